using System.Text.Json;
using ClipMem.Cli;
using ClipMem.Common;
using ClipMem.Experiments;
using ClipMem.Experiments.Derivation;
using ClipMem.Tests.Experiments;
using ClipMem.Tests.Training;

namespace ClipMem.Tests.Derivation;

/// <summary>Removal and retraining as a derived run: the parent's top S_C out, f retrained, g and splits reused, lineage recorded.</summary>
[Collection(TorchRandomStateCollection.Name)]
public class RemovalRunTests(TinyRuns runs)
{
    [Fact]
    public void ARemovalRunRetrainsFWithoutTheTopTenPercentAndReusesTheParentsG()
    {
        var parent = runs.Baseline;
        using var dir = new TempDirectory();
        var runtime = new RuntimeOptions(Threads: 2);
        var (run, config) = DerivedRuns.CreateRemoval(parent.RunDirectory, RemovalRanking.Clipmem, 6, runtime, Path.Combine(dir.Path, "removal"));
        var result = new ClipMemExperiment(config, runtime, run, TextWriter.Null).Run();

        var topSix = parent.Rows.Where(r => r.Split == "S_C").OrderByDescending(r => r.ClipMem).Take(6).Select(r => r.SampleId).ToHashSet();
        var lineage = DerivedRuns.ReadLineage(run.Root);
        Assert.Equal(topSix, lineage.Removed.ToHashSet());
        Assert.Equal((Path.GetFullPath(parent.RunDirectory), parent.Config.Hash(), "removal", 6), (lineage.ParentRun, lineage.ParentConfigHash, lineage.Kind, lineage.Count));

        // f trained on the parent's f membership less the removed samples; g was not retrained here.
        var parentF = File.ReadAllLines(Path.Combine(parent.RunDirectory, "membership_f.txt")).ToHashSet();
        var derivedF = File.ReadAllLines(Path.Combine(run.Root, "membership_f.txt")).ToHashSet();
        Assert.Equal(parentF.Except(topSix).ToHashSet(), derivedF);
        Assert.Equal(File.ReadAllText(Path.Combine(parent.RunDirectory, "membership_g.txt")), File.ReadAllText(Path.Combine(run.Root, "membership_g.txt")));
        Assert.True(Directory.Exists(Path.Combine(run.Root, "f", "checkpoints")));
        Assert.False(Directory.Exists(Path.Combine(run.Root, "g")));
        Assert.Equal(File.ReadAllText(Path.Combine(parent.RunDirectory, "tokenizer.json")), File.ReadAllText(Path.Combine(run.Root, "tokenizer.json")));
        Assert.Equal(File.ReadAllText(Path.Combine(parent.RunDirectory, "splits.csv")), File.ReadAllText(Path.Combine(run.Root, "splits.csv")));

        // g is the same model: its alignment of every sample is the parent's, to float rounding.
        var parentG = parent.Rows.ToDictionary(r => r.SampleId, r => r.AlignG);
        Assert.All(result.Rows, r => Assert.Equal(parentG[r.SampleId], r.AlignG, 5));
        // The derivation is part of the identity: the derived run's config hash is its own.
        Assert.NotEqual(parent.Config.Hash(), config.Hash());
        Assert.Equal(config.Mitigation<Removal>(), ClipMemRuns.ReadConfig(Path.Combine(run.Root, "config.json")).Mitigation<Removal>());
    }

    [Fact]
    public void TheCommandLineDerivesARemovalByPercentage()
    {
        using var dir = new TempDirectory();
        string root = Path.Combine(dir.Path, "removal");
        var (code, output, error) = CliCalls.Run("derive", "removal", runs.Baseline.RunDirectory, "--remove", "10%", "--ranking", "random", "--out", root);
        Assert.True(code == 0, error);
        Assert.Contains("removes 6 of 60 S_C samples by random", output);
        using var lineage = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, DerivedRuns.LineageFile)));
        Assert.Equal("random", lineage.RootElement.GetProperty("ranking").GetString());
        Assert.Equal(6, lineage.RootElement.GetProperty("removed").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(root, "summary.json")));
    }

    [Theory]
    [InlineData("10%", 60, 6)]
    [InlineData("0", 60, 0)]
    [InlineData("100%", 300, 300)]
    [InlineData("15", 300, 15)]
    public void RemovalCountsAreWholeCountsOrPercentagesOfSC(string text, int candidates, int expected) =>
        Assert.Equal(expected, DeriveCommand.Count(text, candidates));

    [Theory]
    [InlineData("61")]
    [InlineData("-1")]
    [InlineData("2.5")]
    [InlineData("101%")]
    [InlineData("many")]
    public void ImpossibleRemovalCountsNameTheAllowedValues(string text) =>
        Assert.Contains("allowed values are a whole count 0..60", Assert.Throws<ArgumentException>(() => DeriveCommand.Count(text, 60)).Message);

    [Fact]
    public void RankingsOrderTheParentsCandidatesAsTheStudyDoes()
    {
        ScoreRow Row(string id, double clipmem, double positiveF, string split = "S_C") =>
            new(id, split, "c", false, false, "", positiveF, 0, 0, 0, 0, clipmem, 0, 0);
        var rows = new[] { Row("a", 0.9, 0.5), Row("b", 0.1, 0.1), Row("c", 0.5, 0.9), Row("d", 0.99, 0.0, split: "S_I") };
        Assert.Equal(["a", "c"], new Removal("p", RemovalRanking.Clipmem, 2).Choose(rows, 0));
        Assert.Equal(["b", "a"], new Removal("p", RemovalRanking.LowestSimilarity, 2).Choose(rows, 0));
        var random = new Removal("p", RemovalRanking.Random, 3).Choose(rows, 0);
        Assert.Equal(["a", "b", "c"], random.Order());
        Assert.Equal(random, new Removal("p", RemovalRanking.Random, 3).Choose(rows, 0));
        Assert.Throws<ArgumentException>(() => new Removal("p", RemovalRanking.Clipmem, 4).Choose(rows, 0));
    }
}
