using ClipMem.Cli;

namespace ClipMem.Tests.Experiments;

/// <summary>The CLI's contract: help text, exit codes, and errors that say what is wrong.</summary>
public class CliTests
{
    private static (int Code, string Output, string Error) Run(params string[] args) => CliCalls.Run(args);

    [Fact]
    public void UnknownPresetIsABadInputError()
    {
        using var dir = new TempDirectory();
        var (code, _, error) = Run("reproduce", "--preset", "huge", "--out", Path.Combine(dir.Path, "run"));
        Assert.Equal(CliApp.ExitBadInput, code);
        Assert.Contains("Unknown preset 'huge'", error);
        Assert.Contains("tiny, quick, paper", error);
    }

    [Fact]
    public void UnknownDatasetIsABadInputErrorNamingTheKnownOnes()
    {
        using var dir = new TempDirectory();
        var (code, _, error) = Run("data", "preview", "--dataset", "imagenet", "--out", Path.Combine(dir.Path, "p.html"));
        Assert.Equal(CliApp.ExitBadInput, code);
        Assert.Contains("Unknown dataset 'imagenet'", error);
        Assert.Contains("synthetic-scenes", error);
        Assert.False(File.Exists(Path.Combine(dir.Path, "p.html")));
    }

    [Fact]
    public void PreviewWritesASelfContainedGallery()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "preview.html");
        var (code, output, _) = Run("data", "preview", "--n", "12", "--pool", "320", "--out", file);
        Assert.Equal(CliApp.ExitOk, code);
        Assert.Contains("wrote", output);
        string html = File.ReadAllText(file);
        Assert.Equal(12, html.Split("class=\"tile\"").Length - 1);
        Assert.Contains("data:image/png;base64,", html);
        Assert.Contains("mis-captioned", html);
        Assert.DoesNotContain("http://", html);
    }

    [Fact]
    public void MissingRequiredOptionFailsWithUsage()
    {
        var (code, _, error) = Run("data", "preview");
        Assert.NotEqual(CliApp.ExitOk, code);
        Assert.Contains("--out", error);
    }
}
