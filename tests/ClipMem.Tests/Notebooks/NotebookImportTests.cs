using ClipMem.Interactive;

namespace ClipMem.Tests.Notebooks;

/// <summary>
/// The shared setup: `#!import setup.dib` in the headless runner as in Polyglot Notebooks, and `notebook
/// run-all` over a folder whose notebooks import one and declare different parameters.
/// </summary>
public class NotebookImportTests : IDisposable
{
    private const string Meta = """
        #!meta

        {"kernelInfo":{"defaultKernelName":"csharp","items":[{"aliases":[],"name":"csharp"}]}}

        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string name, string cells)
    {
        string path = Path.Combine(_dir.Path, name);
        File.WriteAllText(path, Meta + cells);
        return path;
    }

    [Fact]
    public async Task AnImportRunsTheImportedCellsInTheSameKernelAndShowsTheirOutputs()
    {
        Write("setup.dib", "#!csharp\n\nvar shared = 40;\nConsole.Write(\"setup ran\");\n\n#!csharp\n\nshared += 1;\n");
        string main = Write("main.dib", "#!csharp\n\n#!import setup.dib\n\n#!csharp\n\nConsole.Write(shared + 1);\n");

        var run = await new NotebookRunner().RunAsync(main);

        Assert.True(run.Succeeded, run.FailedCell?.Error);
        Assert.Contains(run.Cells[0].Outputs, o => o.Value == "setup ran");
        Assert.Contains(run.Cells[1].Outputs, o => o.Value == "42");   // both imported cells ran, in order
    }

    [Fact]
    public async Task AMissingOrCircularImportFailsTheCellNamingTheFile()
    {
        string missing = Write("missing.dib", "#!csharp\n\n#!import nowhere.dib\n");
        var run = await new NotebookRunner().RunAsync(missing);
        Assert.Contains("#!import nowhere.dib: no such notebook", run.FailedCell?.Error);

        Write("a.dib", "#!csharp\n\n#!import b.dib\n");
        Write("b.dib", "#!csharp\n\n#!import a.dib\n");
        string loop = Write("loop.dib", "#!csharp\n\n#!import a.dib\n");
        run = await new NotebookRunner().RunAsync(loop);
        Assert.Contains("imports itself", run.FailedCell?.Error);
    }

    [Fact]
    public async Task AFailingImportedCellFailsTheImportingCellWithItsError()
    {
        Write("setup.dib", "#!csharp\n\nthrow new InvalidOperationException(\"setup broke\");\n");
        string main = Write("main.dib", "#!csharp\n\n#!import setup.dib\n\n#!csharp\n\nConsole.Write(1);\n");
        var run = await new NotebookRunner().RunAsync(main);
        Assert.Equal(1, run.FailedCell?.Index);
        Assert.StartsWith("setup.dib: ", run.FailedCell?.Error);
        Assert.Contains("setup broke", run.FailedCell?.Error);
    }

    [Fact]
    public void RunAllSkipsImportedNotebooksAndGivesEachParameterToTheNotebooksThatDeclareIt()
    {
        Write("setup.dib", "#!csharp\n\nvar fromSetup = 1;\n");
        Write("01-data.dib", "#!csharp\n\n// Parameters\nint pool = 10;\n\n#!csharp\n\n#!import setup.dib\n\n#!csharp\n\nConsole.Write($\"pool {pool}\");\n");
        Write("02-train.dib", "#!csharp\n\n// Parameters\nstring preset = \"quick\";\n\n#!csharp\n\n#!import setup.dib\n\n#!csharp\n\nConsole.Write($\"preset {preset} {fromSetup}\");\n");

        Assert.Equal(["01-data.dib", "02-train.dib"], NotebookFolder.Runnable(_dir.Path).Select(Path.GetFileName));
        string pages = Path.Combine(_dir.Path, "html");
        var (code, output, error) = CliCalls.Run("notebook", "run-all", "--folder", _dir.Path, "--param", "preset=tiny", "--html-dir", pages);
        Assert.True(code == 0, output + error);
        Assert.Contains("preset tiny 1", File.ReadAllText(Path.Combine(pages, "02-train.html")));  // reached 02, which declares it
        Assert.Contains("pool 10", File.ReadAllText(Path.Combine(pages, "01-data.html")));        // 01 declares no preset: ran as written
        Assert.False(File.Exists(Path.Combine(pages, "setup.html")));                              // imported, not run on its own
    }

    [Fact]
    public void RunAllRefusesAParameterNoNotebookDeclaresAndListsTheDeclaredOnes()
    {
        Write("01-data.dib", "#!csharp\n\n// Parameters\nint pool = 10;\n");
        Write("02-train.dib", "#!csharp\n\n// Parameters\nstring preset = \"quick\";\n");
        var e = Assert.Throws<ArgumentException>(() =>
            NotebookFolder.Distribute(new Dictionary<string, string> { ["presett"] = "tiny" }, NotebookFolder.Runnable(_dir.Path)));
        Assert.Contains("--param presett: no notebook declares it", e.Message);
        Assert.Contains("01-data.dib: pool; 02-train.dib: preset", e.Message);
    }
}
