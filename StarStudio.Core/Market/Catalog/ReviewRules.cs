using StarStudio.Core.Common;

namespace StarStudio.Core.Market.Catalog;

/// <summary>A user's rating and review of a skill.</summary>
public sealed record ReviewInput(int Rating, string? Body);

/// <summary>The rules of reviews (the database checks the same limits: <c>ck_skill_reviews_rating</c>, <c>ck_skill_reviews_body</c>).</summary>
public static class ReviewRules
{
    public const int MinRating = 1;
    public const int MaxRating = 5;
    public const int MaxBodyLength = 2000;
    public const int MaxReplyLength = 2000;

    /// <summary>Reviews per page on the detail page.</summary>
    public const int PageSize = 10;

    /// <summary>The form fields errors are shown at.</summary>
    public const string RatingField = nameof(ReviewInput.Rating);
    public const string BodyField = nameof(ReviewInput.Body);
    public const string ReplyField = "Reply";

    /// <summary>Errors that concern the review as a whole (shown as an alert above the form).</summary>
    public const string ReviewField = "Review";

    public const string DuplicateCode = "Market.Catalog.Review.Duplicate";
    public const string OwnSkillCode = "Market.Catalog.Review.OwnSkill";
    public const string NotPublishedCode = "Market.Catalog.Review.NotPublished";
    public const string NotFoundCode = "Market.Catalog.Review.NotFound";
    public const string NotMakerCode = "Market.Catalog.Review.Reply.NotMaker";

    /// <summary>The review as stored (body trimmed), or field errors.</summary>
    public static Result<ReviewInput> Validate(ReviewInput input)
    {
        var errors = new List<FieldError>();
        if (input.Rating is < MinRating or > MaxRating)
        {
            errors.Add(new FieldError(RatingField, "Market.Catalog.Review.Rating.Range", MinRating, MaxRating));
        }

        var body = (input.Body ?? "").Trim();
        if (body.Length > MaxBodyLength)
        {
            errors.Add(new FieldError(BodyField, "Market.Catalog.Review.Body.TooLong", MaxBodyLength));
        }

        return errors.Count > 0 ? Result<ReviewInput>.Invalid(errors) : Result<ReviewInput>.Ok(new ReviewInput(input.Rating, body));
    }

    /// <summary>The maker's answer as stored (trimmed; empty removes it), or a field error.</summary>
    public static Result<string> ValidateReply(string? reply)
    {
        var text = (reply ?? "").Trim();
        return text.Length > MaxReplyLength
            ? Result<string>.Invalid(ReplyField, "Market.Catalog.Review.Reply.TooLong", MaxReplyLength)
            : Result<string>.Ok(text);
    }
}
