using System.Globalization;
using System.Net;
using System.Text;
using StarStudio.Core.Common;

namespace StarStudio.Core.Growth;

/// <summary>A made report: the PDF's bytes and the history row it reports.</summary>
public sealed record MagnitudeReportFile(Guid HistoryId, string StarName, byte[] Pdf);

/// <summary>The 星等报告 PDF (docs/magnitude.md): made on demand from the latest evaluation, kept in <c>exports</c>.</summary>
public interface IMagnitudeReports
{
    /// <summary>
    /// The report of the star's latest evaluation, for its owner only: the stored one when the row has a
    /// <c>report_uri</c>, else rendered now, stored at <c>stars/{starId:N}/magnitude/{historyId:N}.pdf</c> and recorded on the row.
    /// </summary>
    Task<Result<MagnitudeReportFile>> GetAsync(Guid starId, CancellationToken ct = default);
}

/// <summary>The report as an HTML page (Chinese, the product's default language), rendered to PDF by Chromium.</summary>
public static class MagnitudeReportHtml
{
    private static readonly CultureInfo Zh = CultureInfo.GetCultureInfo("zh-CN");

    private static readonly Dictionary<string, string> Names = new()
    {
        ["depth"] = "深度", ["originality"] = "原创", ["consistency"] = "一致", ["utility"] = "有用",
        ["cited"] = "带引用的回答占比", ["depth_label"] = "被标为“深度”的评分占比", ["rubric_depth"] = "星试评委的深度分",
        ["not_copied"] = "未照抄资料的比例", ["probe_agreement"] = "换个说法提问时回答的一致度",
        ["regenerated_agreement"] = "重新生成的回答之间的一致度", ["rating"] = "平均评分", ["useful_label"] = "被标为“有用”的评分占比",
        ["skill_success"] = "技能调用成功率", ["returning_players"] = "回访玩家占比",
        [MagnitudeTriggers.Nightly] = "每晚", [MagnitudeTriggers.OnDemand] = "手动", [MagnitudeTriggers.Training] = "训练后",
    };

    /// <summary>The key of a report in <c>exports</c>.</summary>
    public static string Key(Guid starId, Guid historyId) => $"stars/{starId:N}/magnitude/{historyId:N}.pdf";

    public static string Render(MagnitudeView view, MagnitudeHistory latest, MagnitudeScores? parts)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(latest);
        var scores = MagnitudeCharts.Scores(latest);
        var h = new StringBuilder();
        // Chromium prints this page with --no-sandbox: every user text below is escaped, and the policy lets nothing run or
        // load but inline styles and data images, should an escape ever be missed.
        h.Append("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"><title>星等报告</title><style>")
         .Append("body{font-family:'Noto Sans CJK SC','Noto Sans SC','WenQuanYi Micro Hei',sans-serif;margin:32px;color:#222}")
         .Append("h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:20px 0 6px}table{border-collapse:collapse;width:100%;font-size:12px}")
         .Append("td,th{border:1px solid #ccc;padding:4px 6px;text-align:left}.lv{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff}")
         .Append(".small{font-size:11px;color:#555}</style></head><body>");
        h.Append("<h1>星等报告 · ").Append(E(view.StarName)).Append("</h1>");
        h.Append("<p><span class=\"lv\" style=\"background:").Append(MagnitudeCharts.LevelColour(latest.Level)).Append("\">星等 ").Append(E(latest.Level.ToString()))
         .Append("</span> 综合 ").Append(F((double)latest.Overall)).Append(" · 评定于 ")
         .Append(E(latest.EvaluatedAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", Zh))).Append("（北京时间，")
         .Append(E(Names.GetValueOrDefault(latest.Trigger, latest.Trigger))).Append("）</p>");

        h.Append("<h2>四个维度</h2><table><tr>");
        foreach (var axis in MagnitudeCharts.Axes)
        {
            h.Append("<th>").Append(Names[axis]).Append("</th>");
        }

        h.Append("</tr><tr>");
        foreach (var s in scores)
        {
            h.Append("<td>").Append(F(s)).Append("</td>");
        }

        h.Append("</tr></table>");
        h.Append("<svg viewBox=\"-30 0 300 240\" width=\"325\" height=\"260\">");
        foreach (var ring in new[] { 25.0, 50, 75, 100 })
        {
            h.Append("<polygon points=\"").Append(MagnitudeCharts.RadarPoints([ring, ring, ring, ring], 120, 80)).Append("\" fill=\"none\" stroke=\"#ccc\"/>");
        }

        for (var i = 0; i < 4; i++)
        {
            var (x, y) = MagnitudeCharts.Point(i, 4, 80, 120);
            var (lx, ly) = MagnitudeCharts.Point(i, 4, 100, 120);
            h.Append(Inv($"<line x1=\"120\" y1=\"120\" x2=\"{x:0.##}\" y2=\"{y:0.##}\" stroke=\"#ccc\"/>"))
             .Append(Inv($"<text x=\"{lx:0.##}\" y=\"{ly + 4:0.##}\" text-anchor=\"middle\" font-size=\"11\">"))
             .Append(Names[MagnitudeCharts.Axes[i]]).Append(' ').Append(F(scores[i])).Append("</text>");
        }

        h.Append("<polygon points=\"").Append(MagnitudeCharts.RadarPoints(scores, 120, 80)).Append("\" fill=\"rgba(103,58,183,0.35)\" stroke=\"#673ab7\" stroke-width=\"2\"/></svg>");

        h.Append("<h2>综合分变化</h2>");
        h.Append("<svg viewBox=\"-30 -10 350 140\" width=\"520\" height=\"210\">");
        foreach (var mark in new[] { 40, 55, 70, 85 })
        {
            var y = 120 - mark * 1.2;
            h.Append(Inv($"<line x1=\"0\" x2=\"300\" y1=\"{y:0.##}\" y2=\"{y:0.##}\" stroke=\"#eee\"/><text x=\"-4\" y=\"{y + 3:0.##}\" text-anchor=\"end\" font-size=\"9\">{mark}</text>"));
        }

        h.Append("<polyline points=\"").Append(MagnitudeCharts.HistoryPoints(view.History, 300, 120)).Append("\" fill=\"none\" stroke=\"#673ab7\" stroke-width=\"2\"/></svg>");
        h.Append("<table><tr><th>时间（北京）</th><th>综合</th><th>星等</th><th>方式</th></tr>");
        foreach (var p in view.History.TakeLast(15).Reverse())
        {
            h.Append("<tr><td>").Append(E(p.EvaluatedAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", Zh))).Append("</td><td>")
             .Append(F((double)p.Overall)).Append("</td><td>").Append(p.Level).Append("</td><td>")
             .Append(E(Names.GetValueOrDefault(p.Trigger, p.Trigger))).Append("</td></tr>");
        }

        h.Append("</table>");

        if (parts is not null)
        {
            h.Append("<h2>评分依据</h2>");
            if (parts.Cap is { } cap)
            {
                h.Append(Inv($"<p>分数已达到 {cap.Reached}；高于 {cap.Given} 需要至少 {cap.RatingsNeeded} 条评分和 {cap.PlayersNeeded} 位玩家（现有 {cap.Ratings} 条、{cap.Players} 位），所以暂定 {cap.Given}。</p>"));
            }

            h.Append("<table><tr><th>维度</th><th>信号</th><th>实测</th><th>依据 n</th><th>k</th><th>权重</th><th>分数</th></tr>");
            foreach (var d in parts.Dimensions)
            {
                foreach (var p in d.Parts)
                {
                    h.Append("<tr><td>").Append(Names[d.Name]).Append(' ').Append(F(d.Score)).Append("</td><td>").Append(Names[p.Name]).Append("</td><td>")
                     .Append(p.Raw is { } r ? F(r) : "—").Append("</td><td>").Append(p.Evidence.ToString(Zh)).Append("</td><td>")
                     .Append(p.K.ToString(Zh)).Append("</td><td>").Append(p.Weight.ToString(Zh)).Append("</td><td>").Append(F(p.Score)).Append("</td></tr>");
                }
            }

            h.Append("</table>");
        }

        h.Append("<h2>公式</h2><p class=\"small\">每个信号：分数 = (n·实测 + k·50)/(n + k)，n 是它依据的条数，k 是收缩强度，依据越少越接近 50；维度 = 各信号分数的加权和；")
         .Append("综合 = 0.3·深度 + 0.2·原创 + 0.2·一致 + 0.3·有用；L1 &lt; 40 ≤ L2 &lt; 55 ≤ L3 &lt; 70 ≤ L4 &lt; 85 ≤ L5；")
         .Append(Inv($"L4 需要至少 {MagnitudeFormula.L4Ratings} 条评分和 {MagnitudeFormula.L4Players} 位玩家，L5 需要至少 {MagnitudeFormula.L5Ratings} 条评分和 {MagnitudeFormula.L5Players} 位玩家。"))
         .Append(Inv($"公式版本 {MagnitudeFormula.Version}。</p></body></html>"));
        return h.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string F(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
