using ClipMem.Common;
using ClipMem.Diagnostics;
using ClipMem.Diagnostics.Reliability;

namespace ClipMem.Tests.Reliability;

public class ReliabilityDocumentTests
{
    /// <summary>Mutants per loader behind the document's fuzz table: a fixed count, so the table is the same on every machine.</summary>
    private const int FuzzCasesPerTarget = 100;

    private const string UpdateVariable = "CLIPMEM_UPDATE_DOCS";

    private static string RepositoryFile(string relative)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "ClipMem.Workbench.sln"))) return Path.Combine(folder.FullName, relative);
        throw new FileNotFoundException($"ClipMem.Workbench.sln not found above {AppContext.BaseDirectory}");
    }

    [Fact]
    public void DocsReliabilityMdHoldsWhatTheCorpusTheDamageCasesAndTheFuzzerDoNow()
    {
        string path = RepositoryFile(ReliabilityDocument.RelativePath);
        using var dir = new TempDirectory();
        var findings = ReliabilityFindings.Measure(dir.Path, RepositoryFile(ReliabilityDocument.RecordsFolder), FuzzCasesPerTarget);
        Assert.Empty(findings.Problems());

        string committed = File.ReadAllText(path).ReplaceLineEndings("\n");
        string filled = ReliabilityDocument.Fill(committed, findings);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1") AtomicFile.WriteAllText(path, filled);
        else Assert.True(filled == committed, $"{ReliabilityDocument.RelativePath} is out of date: {FirstDifference(committed, filled)}. " +
                                              $"Regenerate it with {UpdateVariable}=1 dotnet test ClipMem.Workbench.sln -c Release --filter {nameof(ReliabilityDocumentTests)}");
        // The long runs are part of the record: a document without them is not done.
        Assert.True(findings.KillResume is not null, $"{ReliabilityDocument.RecordsFolder}/{ReliabilityFindings.KillResumeRecordFile} is missing");
        Assert.True(findings.LongFuzz is not null, $"{ReliabilityDocument.RecordsFolder}/{ReliabilityFindings.FuzzRecordFile} is missing");
    }

    private static string FirstDifference(string committed, string filled)
    {
        var a = committed.Split('\n');
        var b = filled.Split('\n');
        int line = Enumerable.Range(0, Math.Min(a.Length, b.Length)).FirstOrDefault(i => a[i] != b[i], Math.Min(a.Length, b.Length));
        return $"line {line + 1} is \"{(line < a.Length ? a[line] : "")}\", now \"{(line < b.Length ? b[line] : "")}\"";
    }

    private static ReliabilityFindings Findings(params CorpusFinding[] corpus) => new(corpus, [],
        new FuzzReport([new FuzzTally("PNG image", 3, 1, 2, 0)], [], 0.1), 3, 0,
        new KillResumeRecord("tiny", 0, "a CPU", [new KillResumeTally("training", 2, 2, 1)]), null);

    private const string AllTables = """
        # Reliability
        <!-- table:kill-resume -->
        old
        <!-- /table:kill-resume -->
        <!-- table:damage -->
        <!-- /table:damage -->
        <!-- table:input-classes -->
        <!-- /table:input-classes -->
        <!-- table:input-cases -->
        <!-- /table:input-cases -->
        <!-- table:fuzz -->
        <!-- /table:fuzz -->
        <!-- table:fuzz-long -->
        <!-- /table:fuzz-long -->
        Prose after the tables stays.
        """;

    [Fact]
    public void FillingReplacesEveryTableAndKeepsTheProse()
    {
        var findings = Findings(new CorpusFinding("images", "zero-size file", false, InputOutcome.ClearError, "a|b <html> c"));
        string filled = ReliabilityDocument.Fill(AllTables, findings);
        Assert.DoesNotContain("old", filled);
        Assert.StartsWith("# Reliability\n", filled);
        Assert.EndsWith("Prose after the tables stays.", filled);
        // 1 of 2 kill trials identical is shown as measured, with the total row.
        Assert.Contains("| training | 2 | 2 | 1 |", filled);
        Assert.Contains("| **all** | 2 | 2 | 1 |", filled);
        // A message is one table cell: its pipe escaped, its HTML shown as text.
        Assert.Contains("| images | zero-size file | clear error | a\\|b &lt;html&gt; c |", filled);
        Assert.Contains("| images | 1 | 0 | 1 | 0 |", filled);
        Assert.Contains($"({ReliabilityDocument.RecordsFolder}/fuzz.json is missing)", filled);
        // Filling a filled document changes nothing.
        Assert.Equal(filled, ReliabilityDocument.Fill(filled, findings));
    }

    [Fact]
    public void ACaseThatEndedBadlyIsShownInBoldAndCountedAsAProblem()
    {
        var findings = Findings(new CorpusFinding("CSV/TSV", "huge field", false, InputOutcome.Hang, "still running after 20 s"));
        Assert.Contains("| CSV/TSV | huge field | **hang** | still running after 20 s |", ReliabilityDocument.Fill(AllTables, findings));
        Assert.Contains("| CSV/TSV | 1 | 0 | 0 | 1 |", ReliabilityDocument.Fill(AllTables, findings));
        Assert.Equal(["CSV/TSV: huge field: Hang: still running after 20 s", "kill-resume training: 1 of 2 identical"], findings.Problems());
    }

    [Fact]
    public void ADocumentWithAnUnknownOrAMissingTableIsRefusedNamingIt()
    {
        var findings = Findings();
        var unknown = Assert.Throws<InvalidDataException>(() => ReliabilityDocument.Fill(AllTables + "\n<!-- table:speed -->\n<!-- /table:speed -->", findings));
        Assert.Contains("unknown table 'speed'", unknown.Message);
        var missing = Assert.Throws<InvalidDataException>(() => ReliabilityDocument.Fill(AllTables.Replace("<!-- table:fuzz-long -->\n<!-- /table:fuzz-long -->\n", ""), findings));
        Assert.Contains("has no table 'fuzz-long'", missing.Message);
    }

    [Theory]
    [MemberData(nameof(DamageCaseNames))]
    public void EveryDamagedArtefactIsNoticedAndHandledAsItsCaseRequires(string name)
    {
        var c = ArtefactDamage.Cases.Single(c => $"{c.Artefact}: {c.Damage}" == name);
        using var dir = new TempDirectory();
        var (reaction, message) = ArtefactDamage.Run(c, dir.Path);
        Assert.True(reaction == c.Expected, $"{reaction}: {message}");
        Assert.DoesNotContain(dir.Path, message);   // the document reads the same on every machine
        Assert.Contains(c.Names, message);          // and still names the file
    }

    public static TheoryData<string> DamageCaseNames() => [.. ArtefactDamage.Cases.Select(c => $"{c.Artefact}: {c.Damage}")];
}
