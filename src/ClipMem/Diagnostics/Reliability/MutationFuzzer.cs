using System.Diagnostics;
using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Data.Loaders;
using static ClipMem.Diagnostics.Reliability.InputFixtures;

namespace ClipMem.Diagnostics.Reliability;

/// <summary>A valid input for one loader: writes it into an empty folder and returns the file to damage and how to open the dataset.</summary>
public sealed record FuzzTarget(string Name, Func<string, (string File, Func<CaptionDataset> Open)> Prepare);

/// <summary>How the mutants of one target fared.</summary>
public sealed record FuzzTally(string Target, int Cases, int Loaded, int ClearErrors, int Failures);

/// <summary>A mutant that ended in a crash, a hang, a blow-up or a misleading message, kept for reproduction.</summary>
public sealed record FuzzFailure(string Target, int Case, string Mutation, InputOutcome Outcome, string Message, string SavedAs);

/// <summary>What `clipmem diagnose fuzz` writes to fuzz.json: the tally, and what it was measured on.</summary>
public sealed record FuzzRecord(ulong Seed, double Seconds, string Machine, IReadOnlyList<FuzzTally> Tally);

public sealed record FuzzReport(IReadOnlyList<FuzzTally> Tallies, IReadOnlyList<FuzzFailure> Failures, double Seconds)
{
    public int Cases => Tallies.Sum(t => t.Cases);
}

/// <summary>
/// A seeded mutation fuzzer over the valid fixtures of every loader: byte flips, truncations, insertions and
/// duplicated runs, each mutant loaded and decoded under <see cref="LoaderRun"/>'s budgets. A mutant must
/// load or get a <see cref="DataFormatException"/> naming the damaged file; anything else is a failure, and
/// the mutant is saved. Case N of a target is the same mutant for the same seed on every machine, so a
/// failure is reproduced from (seed, target, case).
/// </summary>
public sealed class MutationFuzzer(string workFolder, ulong seed = 0)
{
    public static IReadOnlyList<FuzzTarget> Targets { get; } =
    [
        new("PNG image", folder => (ImageIn(folder, Png(12, 9)), OpenTable(folder))),
        new("JPEG image", folder => (ImageIn(folder, Jpeg(16, 16)), OpenTable(folder))),
        new("GIF image", folder => (ImageIn(folder, AnimatedGif()), OpenTable(folder))),
        new("CSV/TSV table", folder => (CsvDataset(folder), OpenTable(folder))),
        new("COCO JSON", folder =>
        {
            var (annotations, images) = CocoDataset(folder);
            return (annotations, () => CocoCaptionsLoader.Load(annotations, images));
        }),
        new("webdataset tar", folder =>
        {
            string shards = WebDataset(folder);
            return (Path.Combine(shards, "00000.tar"), () => WebDatasetLoader.Load(shards));
        }),
        new("IDX images", folder =>
        {
            var (images, labels) = IdxPair(folder);
            return (images, () => IdxDatasetLoader.Load(images, labels, IdxDatasetSpec.Mnist, IdxSplit.Train));
        }),
    ];

    private static string ImageIn(string folder, byte[] image)
    {
        CsvDataset(folder);
        string path = Path.Combine(folder, "images", "img1.png");
        File.WriteAllBytes(path, image);
        return path;
    }

    private static Func<CaptionDataset> OpenTable(string folder) => () => CsvCaptionsLoader.Load(Path.Combine(folder, "captions.tsv"));

    /// <summary>Runs the targets in turn, one mutant each, until the time is up or every target has had <paramref name="maxCasesPerTarget"/>.</summary>
    public FuzzReport Run(TimeSpan duration, int maxCasesPerTarget = int.MaxValue, TextWriter? log = null)
    {
        var clock = Stopwatch.StartNew();
        var counts = Targets.ToDictionary(t => t.Name, _ => new int[3]);
        var failures = new List<FuzzFailure>();
        for (int n = 0; n < maxCasesPerTarget && clock.Elapsed < duration; n++)
            foreach (var target in Targets)
            {
                if (clock.Elapsed >= duration) break;
                var (outcome, failure) = Case(target, n);
                int slot = outcome switch { InputOutcome.Loaded => 0, InputOutcome.ClearError => 1, _ => 2 };
                counts[target.Name][slot]++;
                if (failure is not null)
                {
                    failures.Add(failure);
                    log?.WriteLine($"FAILURE {target.Name} case {n} ({failure.Mutation}): {failure.Outcome}: {failure.Message}; saved as {failure.SavedAs}");
                }
            }
        var tallies = Targets.Select(t => counts[t.Name]).Zip(Targets, (c, t) => new FuzzTally(t.Name, c.Sum(), c[0], c[1], c[2])).ToList();
        return new FuzzReport(tallies, failures, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Case <paramref name="n"/> of a target: its fixture, one seeded mutation of the target file, one load.</summary>
    public (InputOutcome Outcome, FuzzFailure? Failure) Case(FuzzTarget target, int n)
    {
        string folder = Path.Combine(workFolder, $"{Slug(target.Name)}-{n:D6}");
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        var (file, open) = target.Prepare(folder);
        var random = DeterministicRandom.For(seed, "fuzz", target.Name, n);
        var (mutant, mutation) = Mutate(File.ReadAllBytes(file), random);
        File.WriteAllBytes(file, mutant);
        var trial = LoaderRun.Run(open, [Path.GetFileName(file)]);
        if (trial.Outcome is InputOutcome.Loaded or InputOutcome.ClearError)
        {
            Directory.Delete(folder, recursive: true);
            return (trial.Outcome, null);
        }
        // The failing mutant stays in its folder, beside a note of what happened.
        File.WriteAllText(Path.Combine(folder, "failure.txt"), $"{target.Name} case {n}, seed {seed}: {mutation}{Environment.NewLine}{trial.Outcome}: {trial.Message}{Environment.NewLine}");
        return (trial.Outcome, new FuzzFailure(target.Name, n, mutation, trial.Outcome, trial.Message, file));
    }

    private static string Slug(string name) => new(name.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray());

    /// <summary>One of: flip 1-8 bytes, truncate, insert 1-64 random bytes, duplicate a run, or set bytes to 0x00 / 0xFF / 0x7F.</summary>
    public static (byte[] Mutant, string Description) Mutate(byte[] data, DeterministicRandom random)
    {
        var bytes = new List<byte>(data);
        int Position() => bytes.Count == 0 ? 0 : random.NextInt(bytes.Count);
        switch (random.NextInt(5))
        {
            case 0:
            {
                int flips = 1 + random.NextInt(8);
                var at = new List<int>();
                for (int i = 0; i < flips && bytes.Count > 0; i++)
                {
                    int p = Position();
                    bytes[p] ^= (byte)(1 + random.NextInt(255));
                    at.Add(p);
                }
                return (bytes.ToArray(), $"flipped bytes at {string.Join(", ", at)}");
            }
            case 1:
            {
                int length = Position();
                return (bytes.Take(length).ToArray(), $"truncated to {length} of {data.Length} bytes");
            }
            case 2:
            {
                int p = Position(), count = 1 + random.NextInt(64);
                bytes.InsertRange(p, Enumerable.Range(0, count).Select(_ => (byte)random.NextInt(256)).ToList());
                return (bytes.ToArray(), $"inserted {count} random bytes at {p}");
            }
            case 3:
            {
                int p = Position(), count = Math.Min(1 + random.NextInt(512), bytes.Count - p);
                bytes.InsertRange(p, bytes.GetRange(p, count));
                return (bytes.ToArray(), $"duplicated {count} bytes at {p}");
            }
            default:
            {
                byte value = new byte[] { 0x00, 0xFF, 0x7F }[random.NextInt(3)];
                int p = Position(), count = Math.Min(1 + random.NextInt(16), bytes.Count - p);
                for (int i = 0; i < count; i++) bytes[p + i] = value;
                return (bytes.ToArray(), $"set {count} bytes at {p} to 0x{value:X2}");
            }
        }
    }
}
