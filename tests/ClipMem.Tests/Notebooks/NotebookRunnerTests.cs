using ClipMem.Interactive;

namespace ClipMem.Tests.Notebooks;

/// <summary>The headless runner on small notebooks the tests write: outputs, parameters, the first failing cell.</summary>
public class NotebookRunnerTests
{
    private const string Meta = """
        #!meta

        {"kernelInfo":{"defaultKernelName":"csharp","items":[{"aliases":[],"name":"csharp"}]}}

        """;

    [Fact]
    public async Task RunsCellsInOrderAndCollectsTheirOutputs()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "two.dib");
        File.WriteAllText(path, Meta + """
            #!markdown

            # Two cells

            #!csharp

            // Parameters
            string greeting = "hello";
            int count = 2;

            #!csharp

            Console.Write(System.IO.Directory.GetCurrentDirectory());
            display(string.Join(" ", Enumerable.Repeat(greeting, count)));
            """);

        var run = await new NotebookRunner { Parameters = new Dictionary<string, string> { ["greeting"] = "hi \"there\"", ["count"] = "3" } }.RunAsync(path);

        Assert.True(run.Succeeded, run.FailedCell?.Error);
        Assert.Equal(3, run.TotalCells);
        Assert.Equal(2, run.Cells.Count(c => c.IsCode));
        var last = run.Cells[^1];
        Assert.Contains(last.Outputs, o => o.Kind == "stdout" && o.Value == dir.Path); // runs in the notebook's folder
        Assert.Contains(last.Outputs, o => o.Kind == "display" && o.Value.Contains("hi \"there\" hi \"there\" hi \"there\"", StringComparison.Ordinal));
        string html = NotebookHtml.Render(run);
        Assert.Contains("<h1", html);
        Assert.Contains("string greeting = \"hi \\\"there\\\"\";", System.Net.WebUtility.HtmlDecode(html));
    }

    [Fact]
    public async Task StopsAtTheFirstFailingCellAndReportsItsIndexCodeAndError()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "fails.dib");
        File.WriteAllText(path, Meta + """
            #!csharp

            var x = 1;

            #!csharp

            throw new InvalidOperationException("the data folder is empty");

            #!csharp

            var never = x + 1;
            """);

        var run = await new NotebookRunner().RunAsync(path);

        Assert.False(run.Succeeded);
        var failed = run.FailedCell!;
        Assert.Equal(2, failed.Index);
        Assert.Contains("throw new InvalidOperationException", failed.Code);
        Assert.Contains("the data folder is empty", failed.Error);
        Assert.Equal(2, run.Cells.Count); // the third cell never ran
    }

    [Fact]
    public async Task CompileErrorsFailTheCell()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "typo.dib");
        File.WriteAllText(path, Meta + "#!csharp\n\nvar y = undefinedName + 1;\n");
        var run = await new NotebookRunner().RunAsync(path);
        Assert.Equal(1, run.FailedCell?.Index);
        Assert.Contains("CS0103", run.FailedCell!.Error);
    }

    [Fact]
    public void UnknownParameterIsRefusedWithTheDeclaredNames()
    {
        var cells = new List<(string, string)> { ("csharp", "// Parameters\nstring preset = \"tiny\";\nulong seed = 0;") };
        var e = Assert.Throws<ArgumentException>(() => NotebookParameters.Apply(cells, new Dictionary<string, string> { ["presett"] = "quick" }, "nb.dib"));
        Assert.Contains("presett", e.Message);
        Assert.Contains("preset, seed", e.Message);
        var applied = NotebookParameters.Apply(cells, new Dictionary<string, string> { ["seed"] = "7", ["preset"] = "quick" }, "nb.dib");
        Assert.Equal("// Parameters\nstring preset = \"quick\";\nulong seed = 7;", applied[0]);
    }
}
