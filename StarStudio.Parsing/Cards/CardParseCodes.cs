namespace StarStudio.Parsing.Cards;

/// <summary>Resource keys of the reasons a card file is refused (<c>Cards.Parse.*</c>) or a part of it dropped
/// (<c>Cards.Dropped.*</c>); both resx files translate each.</summary>
public static class CardParseCodes
{
    public const string Empty = "Cards.Parse.Empty";
    public const string FileTooLarge = "Cards.Parse.FileTooLarge";
    public const string UnknownFormat = "Cards.Parse.UnknownFormat";
    public const string InvalidJson = "Cards.Parse.InvalidJson";
    public const string TooDeep = "Cards.Parse.TooDeep";
    public const string DuplicateKey = "Cards.Parse.DuplicateKey";
    public const string JsonTooLarge = "Cards.Parse.JsonTooLarge";
    public const string NotACard = "Cards.Parse.NotACard";
    public const string PngNoCard = "Cards.Parse.PngNoCard";
    public const string PngTruncated = "Cards.Parse.PngTruncated";
    public const string ChunkTooLarge = "Cards.Parse.ChunkTooLarge";
    public const string InvalidBase64 = "Cards.Parse.InvalidBase64";
    public const string CharxInvalid = "Cards.Parse.CharxInvalid";
    public const string CharxTooManyEntries = "Cards.Parse.CharxTooManyEntries";
    public const string CharxTooLarge = "Cards.Parse.CharxTooLarge";
    public const string CharxUnsafePath = "Cards.Parse.CharxUnsafePath";
    public const string CharxNoCard = "Cards.Parse.CharxNoCard";
    public const string Timeout = "Cards.Parse.Timeout";
    public const string OutOfMemory = "Cards.Parse.OutOfMemory";
    public const string Crashed = "Cards.Parse.Crashed";

    public const string AvatarTooManyPixels = "Cards.Dropped.AvatarTooManyPixels";
    public const string AvatarTooLarge = "Cards.Dropped.AvatarTooLarge";
    public const string AvatarNotImage = "Cards.Dropped.AvatarNotImage";
    public const string AvatarRemote = "Cards.Dropped.AvatarRemote";
    public const string AvatarMissing = "Cards.Dropped.AvatarMissing";
    public const string LoreOverLimit = "Cards.Dropped.LoreOverLimit";
    public const string WrongType = "Cards.Dropped.WrongType";
    public const string Assets = "Cards.Dropped.Assets";
}
