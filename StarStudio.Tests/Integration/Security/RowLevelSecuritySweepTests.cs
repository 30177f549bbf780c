using System.Text;
using Npgsql;
using StarStudio.Core.Identity;
using Xunit.Abstractions;

namespace StarStudio.Tests.Integration.Security;

/// <summary>
/// Every row-level-security table, found in the catalog, attacked as the application's role by a second star owner
/// (B) and a player (P) against owner A's rows: read, update, delete, insert into A's data (on A's private star, A's
/// conversation…), insert of the attacker's own row pointed at A's data, and an update that re-points the attacker's
/// own row there. Rows are generated from the catalog (columns, types, enums, foreign keys); each table needs only a
/// line in <see cref="Fixtures"/> that says what kind of data it holds. A new RLS table without one fails the sweep.
/// </summary>
public sealed class RowLevelSecuritySweepTests(PostgresDatabase pg, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    private enum Scope
    {
        /// <summary>Belongs to a star (a <c>star_id</c> column or a parent that has one); its owner's.</summary>
        Star,
        /// <summary>Belongs to a user through its owner column (<see cref="Fixture.UserColumns"/>).</summary>
        Owner,
        /// <summary>Settings and registries: everyone reads, only admins write.</summary>
        Global,
        /// <summary>Secrets only admins read or write (redeem codes).</summary>
        Admin,
    }

    /// <param name="PublicRead">Anyone reads it while its star is public and active.</param>
    /// <param name="Chat">Rows of a conversation: their user columns are the writer's (a chatting user), not the star owner's.</param>
    /// <param name="ParticipantRead">The conversation's user reads it (not so for traces: they hold the star's prompt).</param>
    /// <param name="UserColumns">User id columns without a foreign key to <c>users</c>.</param>
    /// <param name="References">Columns that point at another table without a foreign key.</param>
    /// <param name="Values">Literals for columns whose checks a generic value would fail.</param>
    /// <param name="FunctionsWrite">Nobody writes it directly, not even its user: SECURITY DEFINER functions do (the wallet).</param>
    /// <param name="PartyInsert">Its user inserts it only by naming a row it sees only when the transaction names it (a
    /// referral the inviter's invite code, a usage the typed redeem code), which a generated row cannot; the attacks still run.</param>
    /// <param name="Expressions">SQL for columns a check ties to the row's other columns, as <c>{column}</c> placeholders.</param>
    private sealed record Fixture(
        Scope Scope,
        bool PublicRead = false,
        bool Chat = false,
        bool ParticipantRead = false,
        string[]? UserColumns = null,
        Dictionary<string, string>? References = null,
        Dictionary<string, string>? Values = null,
        bool FunctionsWrite = false,
        bool PartyInsert = false,
        Dictionary<string, string>? Expressions = null);

    /// <summary>What each RLS table holds. Add a line here for a new table; the rows are generated from the catalog.</summary>
    private static readonly Dictionary<string, Fixture> Fixtures = new()
    {
        ["stars"] = new(Scope.Star, PublicRead: true),
        ["star_model_versions"] = new(Scope.Star),
        ["knowledge_tasks"] = new(Scope.Star),
        ["knowledge_chunks"] = new(Scope.Star, PublicRead: true),
        ["star_embeddings"] = new(Scope.Star, PublicRead: true, Values: new() { ["embedding"] = "[1,0,0]", ["dimensions"] = "3" }),
        ["star_semantic_embeddings"] = new(Scope.Star, PublicRead: true),
        ["knowledge_webhook_sources"] = new(Scope.Star),
        ["knowledge_webhook_receipts"] = new(Scope.Star),
        ["magnitude_history"] = new(Scope.Star, PublicRead: true),
        // Training: datasets and jobs are the owner's; trainers are a registry admins keep; an answer's rating is its
        // rater's (a chatting user), readable by the star's owner.
        ["training_datasets"] = new(Scope.Star),
        ["training_jobs"] = new(Scope.Star),
        ["trainers"] = new(Scope.Global),
        ["answer_feedback"] = new(Scope.Star, Chat: true, ParticipantRead: true, UserColumns: ["user_id"], Values: new() { ["rating"] = "4" }),
        ["training_logs"] = new(Scope.Star),
        // Owners enter without results (score, rank, reward): those are written by scoring, as an admin.
        ["trial_entries"] = new(Scope.Star, Values: new() { ["reward_points"] = "0", ["battles"] = "0" }),
        // Subscribing names a published version of a published skill, which the generated (draft) skill is not.
        ["skill_subscriptions"] = new(Scope.Star, PartyInsert: true),
        ["conversations"] = new(Scope.Star, Chat: true, ParticipantRead: true),
        ["conversation_feedback"] = new(Scope.Star, Chat: true, ParticipantRead: true),
        ["conversation_messages"] = new(Scope.Star, Chat: true, ParticipantRead: true),
        ["chat_traces"] = new(Scope.Star, Chat: true, UserColumns: ["user_id"]),
        ["chat_trace_steps"] = new(Scope.Star, Chat: true),
        ["usage_records"] = new(Scope.Star, Chat: true, ParticipantRead: true, UserColumns: ["user_id"],
            References: new() { ["conversation_id"] = "conversations" }),
        // A player's file attached to their conversation: theirs alone, not the star owner's (docs/chat-attachments.md).
        ["chat_attachments"] = new(Scope.Owner, Values: new() { ["size_bytes"] = "1", ["status"] = "ready", ["kind"] = "text" }),
        ["webhooks"] = new(Scope.Owner),
        // Outbound webhook deliveries: the webhook owner's log; an owner inserts only for a webhook of their own.
        ["webhook_deliveries"] = new(Scope.Owner, UserColumns: ["owner_id"], Values: new() { ["status"] = "pending", ["attempts"] = "0" }),
        ["skills"] = new(Scope.Owner),
        // Recommendations: a user's log of what was shown to them (only its reaction changes); similarities are written by
        // the job's definer function and read where both stars are visible.
        ["audit_logs"] = new(Scope.Admin, FunctionsWrite: true, UserColumns: ["actor_id"], Values: new() { ["action"] = "user.role_granted" }),
        // Analytics (docs/analytics.md): admins read; the writer's and the roll-up's definer functions write.
        ["tracking_event"] = new(Scope.Admin, FunctionsWrite: true, UserColumns: ["user_id", "owner_user_id"], Values: new() { ["event_key"] = "user.signed_in", ["scope_kind"] = "user" }),
        ["tracking_daily_stat"] = new(Scope.Admin, FunctionsWrite: true, Values: new() { ["event_key"] = "user.signed_in", ["scope_kind"] = "user" }),
        ["analytics_date_dimension"] = new(Scope.Admin, FunctionsWrite: true, Expressions: new() { ["calendar_date"] = "date '1970-01-01' + {date_key}" }),
        ["analytics_metric"] = new(Scope.Admin, FunctionsWrite: true, Values: new() { ["grain"] = "day" }),
        ["analytics_daily_user"] = new(Scope.Admin, FunctionsWrite: true, UserColumns: ["user_id"]),
        ["recommendation_logs"] = new(Scope.Owner, Values: new() { ["item_type"] = "star", ["algorithm_type"] = "new", ["confidence_score"] = "0.5", ["user_action"] = "clicked" }),
        ["star_similarities"] = new(Scope.Star, PublicRead: true, FunctionsWrite: true, Values: new() { ["score"] = "0.5", ["support"] = "3" }),
        ["star_trials"] = new(Scope.Owner),
        // The arena: seasons and rating history are public registries; judges are appointed by admins; drafts, battles
        // and rubric scores belong to their writer (the star's owner, the voter, the judge).
        ["trial_seasons"] = new(Scope.Global),
        ["trial_rating_history"] = new(Scope.Global),
        ["trial_judges"] = new(Scope.Admin),
        ["trial_entry_drafts"] = new(Scope.Star),
        ["trial_battles"] = new(Scope.Owner),
        ["trial_rubric_scores"] = new(Scope.Owner),
        ["system_configs"] = new(Scope.Global),
        ["llm_providers"] = new(Scope.Global),
        ["chat_models"] = new(Scope.Global),
        ["embeddings_models"] = new(Scope.Global, Values: new() { ["dimension"] = "384" }),
        // The wallet row must equal the end of its ledger chain at commit: the ledger fixture (swept first, by name)
        // gives each user one row of 1 point.
        ["user_balance"] = new(Scope.Owner, FunctionsWrite: true, Values: new() { ["points"] = "1", ["balance"] = "0", ["frozen_balance"] = "0" }),
        ["profile_wallet_ledger"] = new(Scope.Owner, FunctionsWrite: true,
            Values: new() { ["currency"] = "points", ["amount_delta"] = "1", ["balance_before"] = "0", ["balance_after"] = "1" }),
        ["wallet_holds"] = new(Scope.Owner, FunctionsWrite: true, Values: new() { ["amount"] = "1", ["settled_amount"] = "0" }),
        ["profile_feedback_submission"] = new(Scope.Owner, Values: new() { ["status"] = "open" }),
        ["profile_task_config"] = new(Scope.Global),
        ["profile_task_progress"] = new(Scope.Owner, Expressions: new() { ["progress_id"] = "{user_id}::text || ':' || {task_id} || ':' || {day_key}::text" }),
        ["profile_task_reward_claim"] = new(Scope.Owner),
        ["profile_redeem_code"] = new(Scope.Admin, UserColumns: ["created_by"], Values: new() { ["global_used_count"] = "0", ["max_uses"] = "10" }),
        ["profile_redeem_code_usage"] = new(Scope.Owner, PartyInsert: true),
        ["profile_invite_code"] = new(Scope.Owner),
        ["profile_referral_relation"] = new(Scope.Owner, PartyInsert: true),
        // Billing: products are a registry; a user creates their own pending order at the product's terms (the generated
        // product is a listed recharge pack of 1 yuan); paying, membership, payment events and arrears are the functions'.
        ["products"] = new(Scope.Global, Values: new() { ["kind"] = "recharge", ["price"] = "1", ["credit_amount"] = "1", ["is_listed"] = "true" }),
        ["orders"] = new(Scope.Owner, Values: new() { ["status"] = "pending", ["kind"] = "recharge", ["amount"] = "1", ["credit_amount"] = "1", ["refund_amount"] = "0" }),
        ["profile_membership"] = new(Scope.Owner, FunctionsWrite: true),
        ["payment_events"] = new(Scope.Owner, FunctionsWrite: true, UserColumns: ["user_id"]),
        ["usage_billing_arrears"] = new(Scope.Owner, FunctionsWrite: true),
        // Market: versions are their maker's until published, submitted without a reviewer (a generated row names one, its
        // user); a review names a published skill of someone else, which a generated (draft) skill is not; calls are
        // recorded by a function for their payer and maker.
        ["skill_versions"] = new(Scope.Owner, PartyInsert: true),
        ["skill_reviews"] = new(Scope.Owner, PartyInsert: true, Values: new() { ["rating"] = "3" }),
        ["skill_calls"] = new(Scope.Owner, FunctionsWrite: true),
        // Issue 14: persona versions and reviews are the star owner's (players read only the version a public star
        // shows, which a generated row is not); lorebook entries are read with a public star; creation sessions and
        // what hangs off them are their owner's.
        ["star_persona_versions"] = new(Scope.Star, Values: new() { ["version_no"] = "1" }),
        ["star_reviews"] = new(Scope.Star, Values: new() { ["status"] = "pending"}),
        ["knowledge_lore_entries"] = new(Scope.Star, PublicRead: true),
        ["creation_agent_sessions"] = new(Scope.Owner, Values: new() { ["progress_percent"] = "0" }),
        ["creation_agent_messages"] = new(Scope.Owner),
        ["creation_draft_cards"] = new(Scope.Owner),
        ["creation_checkpoints"] = new(Scope.Owner),
        ["user_preferences"] = new(Scope.Owner, Values: new() { ["language_preference"] = "zh-CN", ["theme"] = "light" }),
        // Extensions: an extension and its versions are their maker's until approved (a generated version names a reviewer,
        // its user, so its insert is refused); installing names an approved version, reviewing an installed extension
        // and voting someone else's review, which generated rows are not.
        ["extensions"] = new(Scope.Owner),
        ["extension_versions"] = new(Scope.Owner, PartyInsert: true, Values: new() { ["sandbox_level"] = "strict" }),
        ["extension_installations"] = new(Scope.Owner, PartyInsert: true),
        ["extension_reviews"] = new(Scope.Owner, PartyInsert: true, Values: new() { ["rating"] = "3" }),
        ["extension_review_votes"] = new(Scope.Owner, PartyInsert: true),
        // Issue 15 gallery: likes, plays and history are their user's, written only by definer functions (star_like_set,
        // star_play_record); the read model is written by triggers and read by everyone only while listed (a generated row
        // is not); daily stats go with their star.
        ["star_gallery_stats"] = new(Scope.Owner, FunctionsWrite: true),
        ["star_likes"] = new(Scope.Owner, FunctionsWrite: true),
        ["star_plays"] = new(Scope.Owner, FunctionsWrite: true, Values: new() { ["play_day"] = "2026-12-01" }),
        ["star_play_daily_stats"] = new(Scope.Star, PublicRead: true, FunctionsWrite: true, Values: new() { ["play_day"] = "2026-12-01" }),
        ["user_browse_history"] = new(Scope.Owner, FunctionsWrite: true),
        // A player's report: theirs to read (admins read and decide all); pointed only at what they can see.
        ["content_reports"] = new(Scope.Owner, Values: new() { ["target_kind"] = "star", ["category"] = "spam", ["status"] = "open" }),
        // Notifications: their recipient reads and marks them read; only the emit functions write them (docs/notifications.md).
        ["notifications"] = new(Scope.Owner, FunctionsWrite: true, Values: new() { ["kind"] = "rating.created", ["args"] = "{}", ["link"] = "/studio" }),
    };

    [Fact]
    public async Task EveryRlsTable_EveryOperation_OtherOwnerAndPlayer_LeakNothing()
    {
        var catalog = await Catalog.LoadAsync(pg.MaintConnectionString);
        var missing = catalog.RlsTables.Where(t => !Fixtures.ContainsKey(t)).ToList();
        Assert.True(missing.Count == 0,
            $"Row-level security tables without a fixture: {string.Join(", ", missing)}. Add a line for each to {nameof(RowLevelSecuritySweepTests)}.{nameof(Fixtures)} saying what kind of data it holds.");

        var a = (await pg.CreateUserAsync(null, RoleNames.StarOwner)).UserId!.Value;
        var b = (await pg.CreateUserAsync(null, RoleNames.StarOwner)).UserId!.Value;
        var p = (await pg.CreateUserAsync()).UserId!.Value;
        var admin = (await pg.CreateAdminAsync()).UserId!.Value;
        var rows = new RowMaker(catalog, pg.MaintConnectionString);
        var aPrivate = new Context("A's private star", await rows.StarAsync(a, isPublic: false), a);
        var aPublic = new Context("A's public star", await rows.StarAsync(a, isPublic: true), a);
        var playerOnAPublic = new Context("P's chat on A's public star", aPublic.Star, p);
        var bPrivate = new Context("B's private star", await rows.StarAsync(b, isPublic: false), b);

        var sweep = new Sweep(pg.AppConnectionString);
        await using var _ = sweep;
        foreach (var table in catalog.RlsTables)
        {
            var fixture = Fixtures[table];
            var victim = await rows.RowAsync(table, fixture, aPrivate);

            // The rows are real: A reaches its own, so a refusal below is the policy's, not a broken fixture's.
            Assert.True(await sweep.CanReadAsync(fixture.Scope == Scope.Admin ? admin : a, table, victim), $"{table}: A cannot read its own generated row.");
            if (fixture.Scope is not (Scope.Global or Scope.Admin) && table != "star_trials" && !fixture.FunctionsWrite && !fixture.PartyInsert)
            {
                var own = rows.Insert(table, fixture, aPrivate, writer: a);
                Assert.True(await sweep.WriteAsync(a, table, own) == 1, $"{table}: A cannot insert into its own data: {sweep.LastError}");
            }

            foreach (var (attacker, name) in new[] { (b, "B"), (p, "P") })
            {
                // Reads: global rows are everyone's; A's private ones nobody else's.
                await sweep.ReadAsync(table, name, attacker, aPrivate, victim, allowed: fixture.Scope == Scope.Global, catalog);
                await sweep.WritesAsync(table, name, attacker, aPrivate, victim, catalog);
                await sweep.InsertAsync(table, name, attacker, rows.Insert(table, fixture, aPrivate, writer: fixture.Chat ? attacker : a), aPrivate);

                if (fixture.Scope == Scope.Star)
                {
                    var onPublic = await rows.RowAsync(table, fixture, aPublic);
                    await sweep.ReadAsync(table, name, attacker, aPublic, onPublic, allowed: fixture.PublicRead && !fixture.Chat, catalog);
                    await sweep.WritesAsync(table, name, attacker, aPublic, onPublic, catalog);
                }

                // The attacker's own row (B's on B's star; P's chat on A's public star), pointed at A's private data.
                var ownContext = attacker == b ? bPrivate : fixture.Chat ? playerOnAPublic : null;
                if (fixture.Scope is Scope.Global or Scope.Admin || ownContext is null)
                {
                    continue;
                }

                var ownRow = await rows.RowAsync(table, fixture, ownContext);
                foreach (var anchor in rows.Anchors(table, fixture))
                {
                    if (!victim.Values.TryGetValue(anchor, out var target) || target == ownRow.Values.GetValueOrDefault(anchor))
                    {
                        continue;
                    }

                    await sweep.RepointAsync(table, name, attacker, ownRow, anchor, target);
                    await sweep.InsertAsync(table, name, attacker, rows.Insert(table, fixture, ownContext, attacker, (anchor, target)), aPrivate, $"own row with {anchor} of A's");
                }
            }

            if (fixture.Chat)
            {
                // A player's own chat on a public star: B reaches none of it; P reads only what participants may.
                var chat = await rows.RowAsync(table, fixture, playerOnAPublic);
                await sweep.ReadAsync(table, "B", b, playerOnAPublic, chat, allowed: false, catalog);
                await sweep.WritesAsync(table, "B", b, playerOnAPublic, chat, catalog);
                await sweep.ReadAsync(table, "P", p, playerOnAPublic, chat, allowed: fixture.ParticipantRead, catalog);
                Assert.True(await sweep.CanReadAsync(a, table, chat), $"{table}: A, the star's owner, cannot read a chat on its star.");
            }
        }

        output.WriteLine($"{catalog.RlsTables.Count} RLS tables, {sweep.Cases} table×operation×role cases, {sweep.Leaks.Count} leaks.");
        foreach (var leak in sweep.Leaks)
        {
            output.WriteLine(leak);
        }

        Assert.True(sweep.Errors.Count == 0, "Cases failed for a reason other than a policy (fix the fixture):\n" + string.Join("\n", sweep.Errors));
        Assert.True(sweep.Leaks.Count == 0, $"{sweep.Leaks.Count} of {sweep.Cases} cases leaked:\n" + string.Join("\n", sweep.Leaks));
    }

    [Fact]
    public async Task EveryRlsTable_IsForced_UnlessADefinerFunctionMustReadIt()
    {
        var catalog = await Catalog.LoadAsync(pg.MaintConnectionString);

        var unforced = catalog.RlsTables.Where(t => !catalog.Forced.Contains(t)).Order().ToList();

        Assert.Equal(Data.Migrations.DatabaseHardening.NotForced.Concat(Data.Billing.WalletSchema.NotForced).Concat(Data.Knowledge.Semantic.SemanticSchema.NotForced).Concat(Data.Market.MarketSchema.NotForced).Concat(Data.Training.TrainingSchema.NotForced).Concat(Data.Extensions.ExtensionsSchema.NotForced).Concat(Data.Webhooks.WebhookSchema.NotForced).Order(), unforced);
    }

    private sealed record Context(string Name, Guid Star, Guid User);

    /// <summary>A generated row: a predicate on its primary key, and the literal of every column it set.</summary>
    private sealed record Row(string Where, Dictionary<string, string> Values);

    /// <param name="Required">NOT NULL without a default.</param>
    private sealed record Column(string Name, string Type, bool Required, bool NotNull, string? References, int? MaxLength);

    private sealed class Catalog
    {
        public List<string> RlsTables { get; } = [];
        public HashSet<string> Forced { get; } = [];
        public Dictionary<string, List<Column>> Columns { get; } = [];
        public Dictionary<string, List<string>> Keys { get; } = [];
        public Dictionary<string, string> Enums { get; } = [];

        /// <summary>The first primary key column (a no-op <c>SET key = key</c> still runs every update check).</summary>
        public string Key(string table) => Keys[table][0];

        public bool IsKey(string table, string column) => Keys[table].Contains(column);

        public static async Task<Catalog> LoadAsync(string connectionString)
        {
            var catalog = new Catalog();
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync();
            await using (var reader = await new NpgsqlCommand("""
                SELECT relname, relforcerowsecurity FROM pg_class
                WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relrowsecurity ORDER BY relname
                """, conn).ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    catalog.RlsTables.Add(reader.GetString(0));
                    if (reader.GetBoolean(1))
                    {
                        catalog.Forced.Add(reader.GetString(0));
                    }
                }
            }

            // Single-column foreign keys, primary keys and the first label of each enum.
            var references = new Dictionary<(string, string), string>();
            await using (var reader = await new NpgsqlCommand("""
                SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, c.contype::text
                FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                WHERE (c.contype = 'p' OR (c.contype = 'f' AND cardinality(c.conkey) = 1)) AND c.connamespace = 'public'::regnamespace
                ORDER BY c.conrelid, c.contype, k.n
                """, conn).ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    if (reader.GetString(3) == "p")
                    {
                        if (!catalog.Keys.TryGetValue(reader.GetString(0), out var key))
                        {
                            catalog.Keys[reader.GetString(0)] = key = [];
                        }

                        key.Add(reader.GetString(1));
                    }
                    else
                    {
                        references[(reader.GetString(0), reader.GetString(1))] = reader.GetString(2);
                    }
                }
            }

            await using (var reader = await new NpgsqlCommand("""
                SELECT DISTINCT ON (t.typname) t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
                ORDER BY t.typname, e.enumsortorder
                """, conn).ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    catalog.Enums[reader.GetString(0)] = reader.GetString(1);
                }
            }

            await using (var reader = await new NpgsqlCommand("""
                SELECT table_name, column_name, udt_name,
                       is_nullable = 'NO' AND column_default IS NULL AND is_generated = 'NEVER' AND is_identity = 'NO',
                       character_maximum_length, is_generated <> 'NEVER', is_nullable = 'NO'
                FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position
                """, conn).ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    if (reader.GetBoolean(5))
                    {
                        continue;
                    }

                    var table = reader.GetString(0);
                    var name = reader.GetString(1);
                    if (!catalog.Columns.TryGetValue(table, out var columns))
                    {
                        catalog.Columns[table] = columns = [];
                    }

                    columns.Add(new Column(name, reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(6),
                        references.GetValueOrDefault((table, name)), reader.IsDBNull(4) ? null : reader.GetInt32(4)));
                }
            }

            return catalog;
        }
    }

    /// <summary>Builds rows from the catalog: every required column, every foreign key (parents made on demand).</summary>
    private sealed class RowMaker(Catalog catalog, string maintConnectionString)
    {
        private readonly Dictionary<(string Table, Guid Star, Guid User), Row> made = [];
        private int counter;

        public async Task<Guid> StarAsync(Guid owner, bool isPublic)
        {
            var id = Guid.NewGuid();
            await using var conn = new NpgsqlConnection(maintConnectionString);
            await conn.OpenAsync();
            await new NpgsqlCommand($"""
                INSERT INTO stars (id, owner_id, name, domain, persona, tone, status, is_public)
                VALUES ('{id}', '{owner}', 'sweep', 'sweep', 'a secret persona', '', 'active', {(isPublic ? "true" : "false")})
                """, conn).ExecuteNonQueryAsync();
            return id;
        }

        /// <summary>The row of <paramref name="table"/> in <paramref name="context"/>, made once (as the maintenance role).</summary>
        public async Task<Row> RowAsync(string table, Fixture fixture, Context context)
        {
            if (made.TryGetValue((table, context.Star, context.User), out var row))
            {
                return row;
            }

            if (table == "stars")
            {
                row = new Row($"id = '{context.Star}'", new() { ["id"] = $"'{context.Star}'", ["owner_id"] = $"'{context.User}'" });
            }
            else
            {
                var insert = await BuildAsync(table, fixture, context, writer: context.User, parents: true);
                await using var conn = new NpgsqlConnection(maintConnectionString);
                await conn.OpenAsync();
                await new NpgsqlCommand(insert.Sql, conn).ExecuteNonQueryAsync();
                row = insert.Row;
            }

            made[(table, context.Star, context.User)] = row;
            return row;
        }

        /// <summary>An INSERT of a new row in <paramref name="context"/> whose parents already exist; not run.</summary>
        public Insert Insert(string table, Fixture fixture, Context context, Guid writer, (string Column, string Value)? change = null) =>
            BuildAsync(table, fixture, context, writer, parents: false, change).GetAwaiter().GetResult();

        /// <summary>
        /// The columns that tie a row to a star, a user or a parent row: what an attacker would re-point. A reference to a
        /// global table (a task config) is not one: everyone reads those rows, so naming one reaches nobody's data.
        /// </summary>
        public IEnumerable<string> Anchors(string table, Fixture fixture) =>
            catalog.Columns[table].Where(c => (!catalog.IsKey(table, c.Name) || c.References is not null)
                && (c.References is not null || fixture.UserColumns?.Contains(c.Name) == true || fixture.References?.ContainsKey(c.Name) == true)
                && !(c.References is { } parent && Fixtures.GetValueOrDefault(parent)?.Scope == Scope.Global))
                .Select(c => c.Name);

        private async Task<Insert> BuildAsync(string table, Fixture fixture, Context context, Guid writer, bool parents, (string Column, string Value)? change = null)
        {
            var values = new Dictionary<string, string>();
            foreach (var column in catalog.Columns[table])
            {
                var target = column.References ?? fixture.References?.GetValueOrDefault(column.Name);
                string? value;
                if (change is { } c && c.Column == column.Name)
                {
                    value = c.Value;
                }
                else if (catalog.IsKey(table, column.Name) && column.Type == "uuid" && column.References is null)
                {
                    value = $"'{Guid.NewGuid()}'";
                }
                else if (catalog.IsKey(table, column.Name) && column.Type == "int8" && column.References is null)
                {
                    value = Random.Shared.NextInt64(1L << 40, 1L << 50).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (fixture.Values?.TryGetValue(column.Name, out var fixed_) == true)
                {
                    value = $"'{fixed_}'";
                }
                else if (target == "stars")
                {
                    value = $"'{context.Star}'";
                }
                else if (target == "users" || fixture.UserColumns?.Contains(column.Name) == true)
                {
                    // A chat row is written by the chatting user; anything else belongs to the context's user.
                    value = $"'{(fixture.Chat ? writer : context.User)}'";
                }
                else if (target is not null && (column.NotNull || fixture.References?.ContainsKey(column.Name) == true))
                {
                    var parent = await ParentAsync(target, context, parents);
                    value = parent.Values[catalog.Key(target)];
                }
                else if (column.Required)
                {
                    value = Literal(column);
                }
                else
                {
                    continue;
                }

                values[column.Name] = value;
            }

            foreach (var (column, expression) in fixture.Expressions ?? [])
            {
                if (change?.Column != column)
                {
                    values[column] = "(" + values.Aggregate(expression, (sql, v) => sql.Replace("{" + v.Key + "}", v.Value, StringComparison.Ordinal)) + ")";
                }
            }

            var sql = $"INSERT INTO {table} ({string.Join(", ", values.Keys)}) VALUES ({string.Join(", ", values.Values)})";
            var where = string.Join(" AND ", catalog.Keys[table].Select(k => $"{k} = {values[k]}"));
            return new Insert(sql, new Row(where, values));
        }

        private async Task<Row> ParentAsync(string table, Context context, bool create)
        {
            if (made.TryGetValue((table, context.Star, context.User), out var row))
            {
                return row;
            }

            if (!create)
            {
                throw new InvalidOperationException($"No {table} row in {context.Name} yet.");
            }

            return await RowAsync(table, Fixtures.GetValueOrDefault(table) ?? new Fixture(Scope.Global), context);
        }

        private string Literal(Column column) => column.Type switch
        {
            "uuid" => $"'{Guid.NewGuid()}'",
            // Distinct integers, so that a unique (parent, seq) never refuses a row in place of a policy.
            "int4" or "int8" => (++counter).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "int2" or "numeric" or "float4" or "float8" => "1",
            "bool" => "false",
            "json" or "jsonb" => "'{}'",
            "timestamptz" or "timestamp" or "date" => "now()",
            "vector" => "'[1,0,0]'",
            _ when column.Type.StartsWith('_') => "'{}'",
            _ when catalog.Enums.TryGetValue(column.Type, out var label) => $"'{label}'",
            _ => $"'{Unique(column.MaxLength)}'",
        };

        private static string Unique(int? maxLength)
        {
            var value = "s" + Guid.NewGuid().ToString("N");
            return maxLength is { } max && value.Length > max ? value[..max] : value;
        }
    }

    private sealed record Insert(string Sql, Row Row);

    /// <summary>Runs each case as the app role in a transaction that is rolled back, and records what got through.</summary>
    private sealed class Sweep(string appConnectionString) : IAsyncDisposable
    {
        private NpgsqlConnection? connection;

        public int Cases { get; private set; }
        public List<string> Leaks { get; } = [];
        public List<string> Errors { get; } = [];
        public string? LastError { get; private set; }

        public async Task<bool> CanReadAsync(Guid actor, string table, Row row) =>
            await RunAsync(actor, $"SELECT count(*) FROM {table} WHERE {row.Where}", scalar: true) == 1;

        public async Task ReadAsync(string table, string name, Guid actor, Context context, Row row, bool allowed, Catalog catalog)
        {
            Cases++;
            if (await CanReadAsync(actor, table, row) && !allowed)
            {
                Leaks.Add($"{table}: {name} reads a row of {context.Name}");
            }
        }

        public async Task WritesAsync(string table, string name, Guid actor, Context context, Row row, Catalog catalog)
        {
            var key = catalog.Key(table);
            await CaseAsync(table, name, actor, $"UPDATE {table} SET {key} = {key} WHERE {row.Where}", $"updates a row of {context.Name}");
            await CaseAsync(table, name, actor, $"DELETE FROM {table} WHERE {row.Where}", $"deletes a row of {context.Name}");
        }

        public Task InsertAsync(string table, string name, Guid actor, Insert insert, Context context, string what = "a row") =>
            CaseAsync(table, name, actor, insert.Sql, $"inserts {what} into {context.Name}");

        public Task RepointAsync(string table, string name, Guid actor, Row own, string column, string target) =>
            CaseAsync(table, name, actor, $"UPDATE {table} SET {column} = {target} WHERE {own.Where}", $"re-points its own row's {column} at A's");

        public async Task<long> WriteAsync(Guid actor, string table, Insert insert) => await RunAsync(actor, insert.Sql, scalar: false);

        public async ValueTask DisposeAsync()
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }

        private async Task CaseAsync(string table, string name, Guid actor, string sql, string what)
        {
            Cases++;
            if (await RunAsync(actor, sql, scalar: false) > 0)
            {
                Leaks.Add($"{table}: {name} {what}");
            }
            else if (LastError is { } error)
            {
                Errors.Add($"{table}: {name} {what}: {error}");
            }
        }

        /// <summary>
        /// The count (or rows affected); 0 when a policy refuses it (42501); 1 when a constraint refuses a row the
        /// policies let through; -1 and <see cref="LastError"/> otherwise.
        /// </summary>
        private async Task<long> RunAsync(Guid actor, string sql, bool scalar)
        {
            LastError = null;
            if (connection is null)
            {
                connection = new NpgsqlConnection(appConnectionString);
                await connection.OpenAsync();
            }

            await using var tx = await connection.BeginTransactionAsync();
            try
            {
                await new NpgsqlCommand($"SELECT set_config('app.user_id', '{actor}', true)", connection, tx).ExecuteNonQueryAsync();
                var command = new NpgsqlCommand(sql, connection, tx);
                return scalar ? Convert.ToInt64(await command.ExecuteScalarAsync()) : await command.ExecuteNonQueryAsync();
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                return 0;
            }
            catch (PostgresException ex) when (!scalar && ex.SqlState.StartsWith("23", StringComparison.Ordinal))
            {
                // PostgreSQL checks a row against the policies before its constraints and indexes: a constraint
                // refusing it means the policies let it through (a duplicate would have been written under another key).
                return 1;
            }
            catch (PostgresException ex)
            {
                LastError = new StringBuilder().Append(ex.SqlState).Append(' ').Append(ex.MessageText).Append(" — ").Append(sql).ToString();
                return -1;
            }
            finally
            {
                await tx.RollbackAsync();
            }
        }
    }
}
