using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClipMem.Common;

namespace ClipMem.Diagnostics.Reliability;

/// <summary>One corpus case as the document shows it: the message with the case's folder removed.</summary>
public sealed record CorpusFinding(string Class, string Name, bool ShouldLoad, InputOutcome Outcome, string Message)
{
    /// <summary>Loaded when it should load, a clear error when it should not: the only two good outcomes.</summary>
    public bool AsRequired => Outcome == (ShouldLoad ? InputOutcome.Loaded : InputOutcome.ClearError);
}

/// <summary>One damaged artefact as the document shows it.</summary>
public sealed record DamageFinding(string Artefact, string Damage, DamageReaction Expected, DamageReaction Reaction, string Message);

/// <summary>
/// Everything docs/reliability.md reports. The corpus, the damaged artefacts and a fixed number of mutants per
/// loader are measured when the document is made (every CI run); the long runs (kill-resume, a long fuzz) take
/// an hour and are records that `clipmem diagnose kill-resume|fuzz` wrote, kept beside the document.
/// </summary>
public sealed record ReliabilityFindings(
    IReadOnlyList<CorpusFinding> Corpus,
    IReadOnlyList<DamageFinding> Damage,
    FuzzReport Fuzz, int FuzzCasesPerTarget, ulong FuzzSeed,
    KillResumeRecord? KillResume, FuzzRecord? LongFuzz)
{
    public const string KillResumeRecordFile = "kill-resume.json";
    public const string FuzzRecordFile = "fuzz.json";

    /// <summary>Runs the corpus, the damage cases and <paramref name="fuzzCasesPerTarget"/> mutants per loader in <paramref name="workFolder"/>; reads the long-run records from <paramref name="recordsFolder"/>.</summary>
    public static ReliabilityFindings Measure(string workFolder, string recordsFolder, int fuzzCasesPerTarget, ulong fuzzSeed = 0)
    {
        var corpus = BadInputCorpus.Cases.Select((c, i) =>
        {
            string folder = Fresh(Path.Combine(workFolder, "corpus", i.ToString("D3", CultureInfo.InvariantCulture)));
            var trial = BadInputCorpus.Run(c, folder);
            return new CorpusFinding(c.Class, c.Name, c.ShouldLoad, trial.Outcome, c.ShouldLoad && trial.Outcome == InputOutcome.Loaded ? "" : WithoutFolder(trial.Message, folder));
        }).ToList();
        var damage = ArtefactDamage.Cases.Select((c, i) =>
        {
            var (reaction, message) = ArtefactDamage.Run(c, Fresh(Path.Combine(workFolder, "damage", i.ToString("D3", CultureInfo.InvariantCulture))));
            return new DamageFinding(c.Artefact, c.Damage, c.Expected, reaction, message);
        }).ToList();
        var fuzz = new MutationFuzzer(Fresh(Path.Combine(workFolder, "fuzz")), fuzzSeed).Run(TimeSpan.MaxValue, fuzzCasesPerTarget);
        return new ReliabilityFindings(corpus, damage, fuzz, fuzzCasesPerTarget, fuzzSeed,
            Read<KillResumeRecord>(Path.Combine(recordsFolder, KillResumeRecordFile)), Read<FuzzRecord>(Path.Combine(recordsFolder, FuzzRecordFile)));
    }

    /// <summary>Everything that would make a user distrust the workbench: a loader or a rerun that did not do what its case requires.</summary>
    public IEnumerable<string> Problems() =>
        Corpus.Where(c => !c.AsRequired).Select(c => $"{c.Class}: {c.Name}: {c.Outcome}: {c.Message}")
            .Concat(Damage.Where(d => d.Reaction != d.Expected).Select(d => $"{d.Artefact}, {d.Damage}: {d.Reaction} (expected {d.Expected}): {d.Message}"))
            .Concat(Fuzz.Failures.Select(f => $"fuzz {f.Target} case {f.Case} ({f.Mutation}): {f.Outcome}: {f.Message}"))
            .Concat(KillResume?.Tally.Where(t => t.Identical != t.Trials).Select(t => $"kill-resume {t.Target}: {t.Identical} of {t.Trials} identical") ?? [])
            .Concat(LongFuzz?.Tally.Where(t => t.Failures > 0).Select(t => $"long fuzz {t.Target}: {t.Failures} failures") ?? []);

    private static string Fresh(string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static string WithoutFolder(string message, string folder) => message.Replace(folder + Path.DirectorySeparatorChar, "");

    private static T? Read<T>(string path) where T : class
    {
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json.Options); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not a {typeof(T).Name}: {e.Message}", e); }
    }
}

/// <summary>
/// docs/reliability.md: prose written by hand, tables filled in by the tests. A table is the text between
/// <c>&lt;!-- table:NAME --&gt;</c> and <c>&lt;!-- /table:NAME --&gt;</c>; <see cref="Fill"/> replaces every one, so
/// the committed document is current exactly when filling it changes nothing.
/// </summary>
public static partial class ReliabilityDocument
{
    public const string RelativePath = "docs/reliability.md";
    public const string RecordsFolder = "docs/reliability";

    [GeneratedRegex(@"<!-- table:(?<name>[a-z-]+) -->\n.*?<!-- /table:\k<name> -->", RegexOptions.Singleline)]
    private static partial Regex Block();

    /// <summary>The document with every table replaced; an unknown table, or one the document lacks, is an error.</summary>
    public static string Fill(string document, ReliabilityFindings findings)
    {
        var tables = Tables(findings);
        var seen = new HashSet<string>();
        string filled = Block().Replace(document.ReplaceLineEndings("\n"), m =>
        {
            string name = m.Groups["name"].Value;
            if (!tables.TryGetValue(name, out var table))
                throw new InvalidDataException($"{RelativePath}: unknown table '{name}'; the tables are {string.Join(", ", tables.Keys)}");
            seen.Add(name);
            return $"<!-- table:{name} -->\n{table}<!-- /table:{name} -->";
        });
        if (tables.Keys.FirstOrDefault(k => !seen.Contains(k)) is { } missing)
            throw new InvalidDataException($"{RelativePath}: has no table '{missing}' (add <!-- table:{missing} --> and <!-- /table:{missing} -->)");
        return filled;
    }

    public static IReadOnlyDictionary<string, string> Tables(ReliabilityFindings f) => new Dictionary<string, string>
    {
        ["kill-resume"] = KillResume(f.KillResume),
        ["damage"] = Table(["artefact", "damage", "reaction", "what the rerun says"],
            f.Damage.Select(d => new[] { d.Artefact, d.Damage, Reaction(d), d.Message })),
        ["input-classes"] = Table(["class", "cases", "load (as they must)", "clear error", "crash, hang, blow-up or misleading"],
            f.Corpus.GroupBy(c => c.Class).Select(g => new[]
            {
                g.Key, Count(g.Count()), Count(g.Count(c => c.ShouldLoad && c.Outcome == InputOutcome.Loaded)),
                Count(g.Count(c => !c.ShouldLoad && c.Outcome == InputOutcome.ClearError)), Count(g.Count(c => !c.AsRequired)),
            })),
        ["input-cases"] = Table(["class", "case", "outcome", "message"],
            f.Corpus.Select(c => new[] { c.Class, c.Name, c.AsRequired ? Outcome(c.Outcome) : $"**{Outcome(c.Outcome)}**", c.Message })),
        ["fuzz"] = $"Seed {f.FuzzSeed}, {f.FuzzCasesPerTarget} mutants per loader, measured with the tables above.\n\n" + FuzzTable(f.Fuzz.Tallies),
        ["fuzz-long"] = f.LongFuzz is { } fuzz
            ? $"Seed {fuzz.Seed}, {fuzz.Seconds.ToString("F0", CultureInfo.InvariantCulture)} s on {fuzz.Machine}.\n\n" + FuzzTable(fuzz.Tally)
            : $"No long run recorded ({RecordsFolder}/{ReliabilityFindings.FuzzRecordFile} is missing).\n",
    };

    private static string KillResume(KillResumeRecord? record) => record is null
        ? $"No run recorded ({RecordsFolder}/{ReliabilityFindings.KillResumeRecordFile} is missing).\n"
        : $"The {record.Preset} preset, seed {record.Seed}, on {record.Machine}.\n\n" +
          Table(["aimed at", "trials", "killed", "identical to the uninterrupted run"],
              record.Tally.Select(t => new[] { t.Target, Count(t.Trials), Count(t.Killed), Count(t.Identical) })
                  .Append(["**all**", Count(record.Tally.Sum(t => t.Trials)), Count(record.Tally.Sum(t => t.Killed)), Count(record.Tally.Sum(t => t.Identical))]));

    private static string FuzzTable(IReadOnlyList<FuzzTally> tallies) =>
        Table(["loader", "mutants", "loaded", "clear error", "failures"],
            tallies.Select(t => new[] { t.Target, Count(t.Cases), Count(t.Loaded), Count(t.ClearErrors), Count(t.Failures) })
                .Append(["**all**", Count(tallies.Sum(t => t.Cases)), Count(tallies.Sum(t => t.Loaded)), Count(tallies.Sum(t => t.ClearErrors)), Count(tallies.Sum(t => t.Failures))]));

    private static string Reaction(DamageFinding d) => d.Reaction == d.Expected ? Words(d.Reaction.ToString()) : $"**{Words(d.Reaction.ToString())}** (must be {Words(d.Expected.ToString())})";

    private static string Outcome(InputOutcome outcome) => Words(outcome.ToString());

    /// <summary>"ClearError" → "clear error".</summary>
    private static string Words(string pascal) => Regex.Replace(pascal, "(?<=[a-z])(?=[A-Z])", " ").ToLowerInvariant();

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Table(IReadOnlyList<string> header, IEnumerable<string[]> rows)
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", header).Append(" |\n");
        text.Append('|').AppendJoin("|", header.Select(_ => "---")).Append("|\n");
        foreach (var row in rows) text.Append("| ").AppendJoin(" | ", row.Select(Cell)).Append(" |\n");
        return text.ToString();
    }

    /// <summary>One line, pipes and angle brackets escaped (a message may quote HTML); long messages cut, since the table shows that a message is clear, not every detail of it.</summary>
    private static string Cell(string value)
    {
        string line = Regex.Replace(value, @"\s+", " ").Trim().Replace("|", "\\|").Replace("<", "&lt;").Replace(">", "&gt;");
        return line.Length <= 300 ? line : line[..299] + "…";
    }
}
