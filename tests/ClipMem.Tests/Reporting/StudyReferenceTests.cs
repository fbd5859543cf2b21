using System.Text.RegularExpressions;
using ClipMem.Experiments;

namespace ClipMem.Tests.Reporting;

/// <summary>The study's numbers that views print beside ours are kept in one place.</summary>
public class StudyReferenceTests
{
    [Fact]
    public void NoSourceFileButStudyReferenceWritesTheStudysNumbers()
    {
        string src = Path.Combine(Path.GetDirectoryName(Notebooks.NotebookRuns.PathOf("setup.dib"))!, "..", "src");
        var numbers = new Regex(@"0\.438|63\.11|61\.45|79\.38|\b0\.89\b");
        var offenders = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && Path.GetFileName(f) != "StudyReference.cs")
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)).Where(l => numbers.IsMatch(l.line)))
            .Select(l => $"{Path.GetRelativePath(src, l.f)}:{l.i + 1}: {l.line.Trim()}").ToList();
        Assert.True(offenders.Count == 0, "the study's numbers belong in Experiments/StudyReference.cs:\n" + string.Join('\n', offenders));
    }

    [Fact]
    public void PercentagesPrintAsTheWorkbenchPrintsItsOwn()
    {
        Assert.Equal(Common.Percentage.Format(0.631).Replace("63.1", "63.10"), StudyReference.Percent(0.631));   // same "NN.N %" form, two decimals
        Assert.Contains("CLIP 63.11 %", StudyReference.LinearProbes);
    }
}
