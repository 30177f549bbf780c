using System.Text;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Account;
using StarStudio.Core.Common;
using StarStudio.Web.Components.Me.Account;

namespace StarStudio.Tests.Components.Account;

public class FeedbackPanelTests : ComponentTest
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
    private readonly FakeFeedback feedback = new();

    public FeedbackPanelTests()
    {
        Context.Services.AddSingleton<IFeedbackService>(feedback);
    }

    private static string FieldText(IRenderedComponent<FeedbackPanel> cut, string inputId) =>
        cut.Find("#" + inputId).Closest(".mud-input-control")!.TextContent;

    private static Task Submit(IRenderedComponent<FeedbackPanel> cut) => cut.Find("[data-testid=feedback-submit]").ClickAsync();

    [Fact]
    public async Task FeedbackPanel_BlankForm_ShowsRequiredAtTheDescriptionAndSendsNothing()
    {
        var cut = Render<FeedbackPanel>(_ => { });

        await Submit(cut);

        Assert.Contains("请填写问题描述", FieldText(cut, "feedback-description"));
        Assert.Empty(feedback.Submitted);
    }

    [Fact]
    public async Task FeedbackPanel_BadPhone_ShowsTheFormatAtThePhoneField()
    {
        var cut = Render<FeedbackPanel>(_ => { });
        await cut.Find("#feedback-description").InputAsync("登录后页面一直转圈");
        await cut.Find("#feedback-phone").InputAsync("12345");

        await Submit(cut);

        Assert.Contains("11 位中国大陆手机号", FieldText(cut, "feedback-phone"));
        Assert.Empty(feedback.Submitted);
    }

    [Fact]
    public void FeedbackPanel_NonImageFile_IsRefusedAtTheImagesField()
    {
        var cut = Render<FeedbackPanel>(_ => { });

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(Encoding.UTF8.GetBytes("<html>hi</html>"), "shot.png", contentType: "image/png"));

        Assert.Contains("shot.png 不是 PNG、JPEG 或 WebP 图片", cut.Find("[data-testid=feedback-images-error]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=feedback-image-chip]"));
    }

    [Fact]
    public void FeedbackPanel_FourImages_AreRefusedAsTooMany()
    {
        var cut = Render<FeedbackPanel>(_ => { });

        cut.FindComponent<InputFile>().UploadFiles(Enumerable.Range(1, 4).Select(i => InputFileContent.CreateFromBinary(Png, $"{i}.png")).ToArray());

        Assert.Contains("最多只能添加 3 张图片", cut.Find("[data-testid=feedback-images-error]").TextContent);
    }

    [Fact]
    public async Task FeedbackPanel_ValidFormWithAnImage_SubmitsShowsSuccessAndListsIt()
    {
        var cut = Render<FeedbackPanel>(_ => { });
        Assert.NotNull(cut.Find("[data-testid=feedback-mine-empty]"));
        await cut.Find("#feedback-description").InputAsync("登录后页面一直转圈");
        await cut.Find("#feedback-phone").InputAsync("+86 138 1234 5678");
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(Png, "截图.png"));
        Assert.Single(cut.FindAll("[data-testid=feedback-image-chip]"));

        await Submit(cut);

        var (draft, images) = Assert.Single(feedback.Submitted);
        Assert.Equal("登录后页面一直转圈", draft.Description);
        Assert.Equal("+86 138 1234 5678", draft.ContactPhone);
        Assert.Equal([("截图.png", Png.Length)], images);
        Assert.Contains("已提交成功", cut.Find("[data-testid=feedback-submitted]").TextContent);
        var item = cut.Find("[data-testid=feedback-item]");
        Assert.Contains("待处理", item.QuerySelector("[data-testid=feedback-status]")!.TextContent);
        Assert.Empty(cut.FindAll("[data-testid=feedback-image-chip]"));
    }

    [Fact]
    public async Task FeedbackPanel_ServerImageError_IsShownAtTheImagesField()
    {
        feedback.Answer = Result<FeedbackView>.Invalid("Images", "Feedback.Images.NotImage", "a.png");
        var cut = Render<FeedbackPanel>(_ => { });
        await cut.Find("#feedback-description").InputAsync("登录后页面一直转圈");

        await Submit(cut);

        Assert.Contains("a.png 不是 PNG、JPEG 或 WebP 图片", cut.Find("[data-testid=feedback-images-error]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=feedback-submitted]"));
    }

    [Fact]
    public void FeedbackPanel_ReplyAndStatus_AreShownOnTheUsersSubmission()
    {
        feedback.Mine.Add(new FeedbackView(Guid.NewGuid(), Guid.NewGuid(), null, "无法上传头像", null, [], FeedbackStatus.Resolved,
            "已修复，请刷新后再试。", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));

        var cut = Render<FeedbackPanel>(_ => { });

        Assert.Contains("已解决", cut.Find("[data-testid=feedback-status]").TextContent);
        Assert.Contains("已修复，请刷新后再试。", cut.Find("[data-testid=feedback-reply]").TextContent);
    }

    private sealed class FakeFeedback : IFeedbackService
    {
        public List<(FeedbackDraft Draft, List<(string Name, int Length)> Images)> Submitted { get; } = [];
        public List<FeedbackView> Mine { get; } = [];
        public Result<FeedbackView>? Answer { get; set; }

        public Task<Result<FeedbackView>> SubmitAsync(FeedbackDraft draft, IReadOnlyList<FeedbackImageUpload> images, CancellationToken ct = default)
        {
            if (Answer is { } answer)
            {
                return Task.FromResult(answer);
            }

            Submitted.Add((new FeedbackDraft { Description = draft.Description, ContactPhone = draft.ContactPhone },
                images.Select(i => (i.FileName, (int)i.Content.Length)).ToList()));
            var view = new FeedbackView(Guid.NewGuid(), Guid.NewGuid(), null, draft.Description.Trim(), null, [], FeedbackStatus.Open, null, null,
                DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
            Mine.Insert(0, view);
            return Task.FromResult(Result<FeedbackView>.Ok(view));
        }

        public Task<IReadOnlyList<FeedbackView>> ListMineAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyList<FeedbackView>>(Mine.ToList());

        public Task<FeedbackImage?> OpenEvidenceAsync(Guid feedbackId, int index, CancellationToken ct = default) => Task.FromResult<FeedbackImage?>(null);

        public Task<Result<Page<FeedbackView>>> ListAllAsync(FeedbackStatus? status, int page, int pageSize, CancellationToken ct = default) =>
            Task.FromResult(Result<Page<FeedbackView>>.Forbidden());

        public Task<Result<FeedbackView>> GetAsync(Guid feedbackId, CancellationToken ct = default) => Task.FromResult(Result<FeedbackView>.Forbidden());

        public Task<Result<FeedbackView>> ReplyAsync(Guid feedbackId, FeedbackReply reply, CancellationToken ct = default) =>
            Task.FromResult(Result<FeedbackView>.Forbidden());
    }
}
