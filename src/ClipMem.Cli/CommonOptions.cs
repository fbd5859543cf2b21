using System.CommandLine;
using ClipMem.Data;

namespace ClipMem.Cli;

/// <summary>Options shared by several commands, spelt the same way everywhere.</summary>
public static class CommonOptions
{
    public static Option<string> Dataset() => new("--dataset")
    {
        Description = "Dataset name: " + string.Join(", ", DatasetCatalog.Known.Select(k => k.Name)) + ".",
        DefaultValueFactory = _ => "synthetic-scenes",
    };

    public static Option<string?> DataPath() => new("--data-dir")
    {
        Description = "Where a researcher-provided dataset lives (COCO folder, CSV file, image-caption folder, shard folder).",
    };

    public static Option<ulong> Seed() => new("--seed") { Description = "Seed for data, splits, augmentation and initialisation.", DefaultValueFactory = _ => 0UL };
}
