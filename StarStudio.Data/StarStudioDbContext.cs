using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Npgsql.NameTranslation;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;
using StarStudio.Core.Account;
using StarStudio.Core.Arena;
using StarStudio.Core.Billing;
using StarStudio.Core.Chat;
using StarStudio.Core.Growth;
using StarStudio.Core.Identity;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Market;
using StarStudio.Core.Stars;
using StarStudio.Core.Webhooks;
using StarStudio.Data.Billing;
using StarStudio.Data.Identity;
using StarStudio.Data.Knowledge;
using StarStudio.Data.Storage;

namespace StarStudio.Data;

/// <summary>The relational store: seed 000 §1 tables, the vector table of §3, Identity, and the jsonb document tables.</summary>
/// <remarks>
/// Add a migration from the repository root with
/// <c>dotnet tool restore &amp;&amp; dotnet dotnet-ef migrations add &lt;Name&gt; --project StarStudio.Data --output-dir Migrations</c>.
/// The app never uses this context directly for user data: it goes through <see cref="Infrastructure.StarStudioDb"/>,
/// which opens a transaction and tells PostgreSQL who the user is, so row-level security applies.
/// </remarks>
public class StarStudioDbContext(DbContextOptions<StarStudioDbContext> options)
    : IdentityDbContext<StarUser, StarRole, Guid>(options)
{
    public DbSet<Star> Stars => Set<Star>();
    public DbSet<StarModelVersion> StarModelVersions => Set<StarModelVersion>();
    public DbSet<StarPersonaVersion> StarPersonaVersions => Set<StarPersonaVersion>();
    public DbSet<StarReview> StarReviews => Set<StarReview>();
    public DbSet<UserPreferences> UserPreferences => Set<UserPreferences>();
    public DbSet<Audit.AuditLogEntry> AuditLogs => Set<Audit.AuditLogEntry>();
    public DbSet<Analytics.TrackingEventRow> TrackingEvents => Set<Analytics.TrackingEventRow>();
    public DbSet<Analytics.TrackingDailyStat> TrackingDailyStats => Set<Analytics.TrackingDailyStat>();
    public DbSet<Analytics.AnalyticsDateDimensionRow> AnalyticsDateDimension => Set<Analytics.AnalyticsDateDimensionRow>();
    public DbSet<Analytics.AnalyticsMetricRow> AnalyticsMetrics => Set<Analytics.AnalyticsMetricRow>();
    public DbSet<Analytics.AnalyticsDailyUser> AnalyticsDailyUsers => Set<Analytics.AnalyticsDailyUser>();
    public DbSet<LoreEntry> LoreEntries => Set<LoreEntry>();
    public DbSet<Core.Creation.CreationSession> CreationSessions => Set<Core.Creation.CreationSession>();
    public DbSet<Core.Creation.CreationMessage> CreationMessages => Set<Core.Creation.CreationMessage>();
    public DbSet<Core.Creation.CreationDraftCard> CreationDraftCards => Set<Core.Creation.CreationDraftCard>();
    public DbSet<Core.Creation.CreationCheckpoint> CreationCheckpoints => Set<Core.Creation.CreationCheckpoint>();
    public DbSet<KnowledgeTask> KnowledgeTasks => Set<KnowledgeTask>();
    public DbSet<StarEmbedding> StarEmbeddings => Set<StarEmbedding>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<ConversationFeedback> ConversationFeedback => Set<ConversationFeedback>();
    public DbSet<Core.Chat.Attachments.ChatAttachment> ChatAttachments => Set<Core.Chat.Attachments.ChatAttachment>();
    public DbSet<MagnitudeHistory> MagnitudeHistory => Set<MagnitudeHistory>();
    public DbSet<StarTrial> StarTrials => Set<StarTrial>();
    public DbSet<TrialEntry> TrialEntries => Set<TrialEntry>();
    public DbSet<TrialSeason> TrialSeasons => Set<TrialSeason>();
    public DbSet<TrialJudge> TrialJudges => Set<TrialJudge>();
    public DbSet<TrialEntryDraft> TrialEntryDrafts => Set<TrialEntryDraft>();
    public DbSet<TrialRubricScore> TrialRubricScores => Set<TrialRubricScore>();
    public DbSet<TrialBattle> TrialBattles => Set<TrialBattle>();
    public DbSet<TrialRatingSnapshot> TrialRatingHistory => Set<TrialRatingSnapshot>();
    public DbSet<Skill> Skills => Set<Skill>();
    public DbSet<SkillSubscription> SkillSubscriptions => Set<SkillSubscription>();
    public DbSet<SkillVersion> SkillVersions => Set<SkillVersion>();
    public DbSet<SkillReview> SkillReviews => Set<SkillReview>();
    public DbSet<SkillCall> SkillCalls => Set<SkillCall>();
    public DbSet<Webhook> Webhooks => Set<Webhook>();
    public DbSet<ConversationMessageRow> ConversationMessages => Set<ConversationMessageRow>();
    public DbSet<KnowledgeChunkRow> KnowledgeChunks => Set<KnowledgeChunkRow>();
    public DbSet<TrainingLogRow> TrainingLogs => Set<TrainingLogRow>();
    public DbSet<EmbeddingModel> EmbeddingModels => Set<EmbeddingModel>();
    public DbSet<LlmProvider> LlmProviders => Set<LlmProvider>();
    public DbSet<ChatModel> ChatModels => Set<ChatModel>();
    public DbSet<ChatTrace> ChatTraces => Set<ChatTrace>();
    public DbSet<ChatTraceStep> ChatTraceSteps => Set<ChatTraceStep>();
    public DbSet<AnswerFeedback> AnswerFeedback => Set<AnswerFeedback>();
    public DbSet<Core.Training.TrainingDataset> TrainingDatasets => Set<Core.Training.TrainingDataset>();
    public DbSet<Core.Training.TrainingJob> TrainingJobs => Set<Core.Training.TrainingJob>();
    public DbSet<Core.Training.Trainer> Trainers => Set<Core.Training.Trainer>();
    public DbSet<UsageRecord> UsageRecords => Set<UsageRecord>();
    public DbSet<SystemConfig> SystemConfigs => Set<SystemConfig>();
    public DbSet<KnowledgeWebhookSource> KnowledgeWebhookSources => Set<KnowledgeWebhookSource>();
    public DbSet<KnowledgeWebhookReceipt> KnowledgeWebhookReceipts => Set<KnowledgeWebhookReceipt>();
    public DbSet<UserBalanceRow> UserBalances => Set<UserBalanceRow>();
    public DbSet<WalletLedgerRow> WalletLedger => Set<WalletLedgerRow>();
    public DbSet<WalletHoldRow> WalletHolds => Set<WalletHoldRow>();
    public DbSet<FeedbackSubmission> FeedbackSubmissions => Set<FeedbackSubmission>();
    public DbSet<TaskConfig> TaskConfigs => Set<TaskConfig>();
    public DbSet<TaskProgress> TaskProgress => Set<TaskProgress>();
    public DbSet<TaskRewardClaim> TaskRewardClaims => Set<TaskRewardClaim>();
    public DbSet<RedeemCode> RedeemCodes => Set<RedeemCode>();
    public DbSet<RedeemCodeUsage> RedeemCodeUsages => Set<RedeemCodeUsage>();
    public DbSet<InviteCode> InviteCodes => Set<InviteCode>();
    public DbSet<ReferralRelation> ReferralRelations => Set<ReferralRelation>();
    public DbSet<Core.Billing.Orders.BillingProduct> Products => Set<Core.Billing.Orders.BillingProduct>();
    public DbSet<Core.Billing.Orders.BillingOrder> Orders => Set<Core.Billing.Orders.BillingOrder>();
    public DbSet<Core.Billing.Membership.ProfileMembership> ProfileMemberships => Set<Core.Billing.Membership.ProfileMembership>();
    public DbSet<Core.Billing.Payments.PaymentEventRecord> PaymentEvents => Set<Core.Billing.Payments.PaymentEventRecord>();
    public DbSet<Core.Billing.Usage.UsageBillingArrears> UsageBillingArrears => Set<Core.Billing.Usage.UsageBillingArrears>();
    public DbSet<Core.Extensions.Extension> Extensions => Set<Core.Extensions.Extension>();
    public DbSet<Core.Extensions.ExtensionVersion> ExtensionVersions => Set<Core.Extensions.ExtensionVersion>();
    public DbSet<Core.Extensions.ExtensionInstallation> ExtensionInstallations => Set<Core.Extensions.ExtensionInstallation>();
    public DbSet<Core.Extensions.ExtensionReview> ExtensionReviews => Set<Core.Extensions.ExtensionReview>();
    public DbSet<Core.Extensions.ExtensionReviewVote> ExtensionReviewVotes => Set<Core.Extensions.ExtensionReviewVote>();

    /// <summary>Applies StarStudio's provider settings: Npgsql, pgvector, PostgreSQL enums with the seed's labels, snake_case.</summary>
    public static void Configure(DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseNpgsql(connectionString, MapEnums).UseSnakeCaseNamingConvention()
            .AddInterceptors(Explore.StarSearchTextInterceptor.Instance);

    // One instance: the enum mappings are part of EF's internal service provider key, and a new translator
    // per context would build (and keep) a new internal service provider for every context.
    private static readonly NpgsqlNullNameTranslator LabelsAsWritten = new();

    internal static void MapEnums(NpgsqlDbContextOptionsBuilder o)
    {
        o.UseVector();
        o.MapEnum<UserRole>("user_role");
        o.MapEnum<StarStatus>("star_status");
        o.MapEnum<TrainingMethod>("training_method");
        o.MapEnum<KnowledgeSourceType>("knowledge_source_type");
        o.MapEnum<KnowledgeTaskStatus>("knowledge_task_status");
        o.MapEnum<ConversationChannel>("conversation_channel");
        o.MapEnum<ConversationStatus>("conversation_status");
        o.MapEnum<MagnitudeLevel>("magnitude_level", nameTranslator: LabelsAsWritten);
        o.MapEnum<TrialStatus>("trial_status");
        o.MapEnum<BattleOutcome>("battle_outcome");
        o.MapEnum<RatingScope>("rating_scope");
        o.MapEnum<SkillPricingType>("skill_pricing_type");
        o.MapEnum<SkillStatus>("skill_status");
        o.MapEnum<SubscriptionStatus>("subscription_status");
        o.MapEnum<SkillVersionStatus>("skill_version_status");
        o.MapEnum<SkillAuthType>("skill_auth_type");
        o.MapEnum<WebhookStatus>("webhook_status");
        o.MapEnum<WalletCurrency>("wallet_currency");
        o.MapEnum<LedgerSource>("wallet_ledger_source");
        o.MapEnum<WalletHoldStatus>("wallet_hold_status");
        o.MapEnum<FeedbackStatus>("feedback_status");
        o.MapEnum<TaskCycle>("profile_task_cycle");
        o.MapEnum<TaskProgressStatus>("profile_task_status");
        o.MapEnum<RedeemCodeMode>("profile_redeem_code_mode");
        o.MapEnum<Core.Billing.Orders.ProductKind>("product_kind");
        o.MapEnum<Core.Billing.Orders.OrderStatus>("order_status");
        o.MapEnum<Core.Billing.Membership.MembershipTier>("membership_tier");
        o.MapEnum<Core.Billing.Membership.MembershipPeriod>("membership_period");
        o.MapEnum<Core.Billing.Membership.MembershipStatus>("membership_status");
        o.MapEnum<Core.Billing.Payments.PaymentEventStatus>("payment_event_status");
        o.MapEnum<Core.Training.TrainingJobStatus>("training_job_status");
        o.MapEnum<Core.Training.TrainingJobPhase>("training_phase");
        o.MapEnum<PersonaVersionSource>("persona_version_source");
        o.MapEnum<StarReviewStatus>("star_review_status");
        o.MapEnum<Core.Creation.CreationStage>("creation_stage");
        o.MapEnum<Core.Creation.CreationMessageRole>("creation_message_role");
        o.MapEnum<Core.Creation.CreationDraftKind>("creation_draft_kind");
        o.MapEnum<Core.Creation.CreationDraftStatus>("creation_draft_status");
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.HasPostgresExtension("vector");
        builder.HasPostgresExtension("citext");
        builder.ApplyConfigurationsFromAssembly(typeof(StarStudioDbContext).Assembly);
    }
}
