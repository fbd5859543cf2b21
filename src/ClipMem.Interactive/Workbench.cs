namespace ClipMem.Interactive;

/// <summary>What a notebook's setup cell calls after <c>#r</c>-ing this library.</summary>
public static class Workbench
{
    /// <summary>Registers the workbench formatters and says which build of the library the notebook runs.</summary>
    public static string Load()
    {
        WorkbenchFormatters.Register();
        var library = typeof(ClipMem.Experiments.ClipMemExperiment).Assembly;
        return $"ClipMem library loaded from {Path.GetDirectoryName(library.Location)} (built {File.GetLastWriteTime(library.Location):yyyy-MM-dd HH:mm}); " +
               $"torch threads {TorchSharp.torch.get_num_threads()}";
    }
}
