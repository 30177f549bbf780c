using Microsoft.Extensions.Localization;
using StarStudio.Core.Common;

namespace StarStudio.Web.Components.Studio.Creation;

/// <summary>Readable text for the assistant's failures (never a stack trace).</summary>
internal static class CreationText
{
    public static string Failure(IStringLocalizer l, ResultKind kind, IReadOnlyList<FieldError> errors) => kind switch
    {
        ResultKind.NotFound => l["Creation.NotFound"].Value,
        ResultKind.Forbidden => l["Forbidden.Body"].Value,
        _ => errors.Count == 0 ? l["Creation.Failed"].Value : string.Join(" ", errors.Select(e => l[e.Code, e.Args].Value)),
    };
}
