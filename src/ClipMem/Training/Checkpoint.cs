using System.Text.Json;
using ClipMem.Common;
using static TorchSharp.torch;

namespace ClipMem.Training;

/// <summary>
/// What a checkpoint records besides the tensors. <paramref name="EpochLosses"/> holds the step losses of an
/// epoch interrupted mid-way, so the resumed run's epoch loss averages all of that epoch's steps.
/// <paramref name="TorchThreads"/> is the thread count the steps ran on (absent in checkpoints written before it
/// was recorded): libtorch's reductions split by thread, so the same seed on another count gives other weights.
/// </summary>
public sealed record CheckpointState(int Step, int Epoch, string ConfigHash, ulong Seed, string RngNote, IReadOnlyList<double>? EpochLosses = null,
    IReadOnlyDictionary<string, double[]>? EpochNamedLosses = null, int? TorchThreads = null)
{
    /// <summary>
    /// Why resuming this checkpoint on <paramref name="threads"/> threads will not end with the weights of an
    /// uninterrupted run, or null when it will. A warning, not a refusal: moving a run to another machine is
    /// legitimate, it only gives up bit-exactness.
    /// </summary>
    public string? ThreadMismatch(string checkpoint, int threads) => TorchThreads is { } written && written != threads
        ? $"{checkpoint}: written on {written} torch thread{(written == 1 ? "" : "s")}, resuming on {threads}: the run stays valid, but its weights will " +
          $"differ from an uninterrupted run's (a run is deterministic for a seed and a thread count); resume with --threads {written} to keep them equal"
        : null;
}

/// <summary>
/// Checkpoints as folders (state.json, model.bin, optimizer.bin, checksums.json) written under a temporary
/// name and renamed into place, so a folder named step-N is always complete. All randomness in training is
/// derived from (seed, epoch, step, sample), so model, optimizer and step are the whole state to resume from.
/// <para>
/// Every file is checked against its SHA-256 before use. A damaged checkpoint (a flipped byte, a cut-off
/// file) is renamed corrupt-step-N with the reason in corrupt.txt, and the one before it is used instead:
/// training resumes from there and ends with the same weights, since the run is deterministic.
/// </para>
/// </summary>
public static class Checkpoint
{
    public const string RngNote = "all training randomness is derived from (seed, epoch, step, sample id); nothing else to restore";

    /// <param name="saveTaskState">Writes the training task's own state (DINO's centre and teacher) into the checkpoint folder.</param>
    public static string Save(string directory, nn.Module model, AdamW optimizer, CheckpointState state, Action<string>? saveTaskState = null)
    {
        string final = Path.Combine(directory, $"step-{state.Step:D8}");
        if (Directory.Exists(final)) return final;
        string temp = AtomicFile.TemporarySibling(Path.Combine(directory, $".step-{state.Step:D8}"));
        try
        {
            Directory.CreateDirectory(temp);
            model.save(Path.Combine(temp, "model.bin"));
            optimizer.Save(Path.Combine(temp, "optimizer.bin"));
            saveTaskState?.Invoke(temp);
            FaultInjection.CheckpointWritten();
            File.WriteAllText(Path.Combine(temp, "state.json"), JsonSerializer.Serialize(state, Json.Options));
            Checksums.WriteManifest(temp);
            Directory.Move(temp, final);
            return final;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            // The half-written folder goes; the checkpoints before it stay, and a rerun resumes from the last of them.
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw AtomicFile.Failed(final, e);
        }
    }

    /// <summary>
    /// The newest checkpoint in the folder whose files match their checksums, or null. Damaged ones newer than
    /// it are set aside (corrupt-step-N, reason in corrupt.txt, a line on standard error), so nothing loads them
    /// and training redoes their steps.
    /// </summary>
    public static string? Latest(string directory)
    {
        if (!Directory.Exists(directory)) return null;
        foreach (var checkpoint in Directory.GetDirectories(directory, "step-*").Order(StringComparer.Ordinal).Reverse())
        {
            if (Checksums.Verify(checkpoint) is not { } problem) return checkpoint;
            SetAside(checkpoint, problem);
        }
        return null;
    }

    private static void SetAside(string checkpoint, string problem)
    {
        string aside = Path.Combine(Path.GetDirectoryName(checkpoint)!, "corrupt-" + Path.GetFileName(checkpoint));
        try
        {
            if (Directory.Exists(aside)) Directory.Delete(aside, recursive: true);
            Directory.Move(checkpoint, aside);
        }
        catch (DirectoryNotFoundException)
        {
            return; // another process of the run set it aside first
        }
        File.WriteAllText(Path.Combine(aside, "corrupt.txt"), problem + Environment.NewLine);
        Console.Error.WriteLine($"{checkpoint}: {problem}; set aside as {Path.GetFileName(aside)}, falling back to the checkpoint before it");
    }

    public static CheckpointState ReadState(string checkpoint)
    {
        string path = Path.Combine(checkpoint, "state.json");
        try
        {
            return JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(path), Json.Options)
                   ?? throw new InvalidDataException("empty state");
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or IOException)
        {
            throw new InvalidOperationException($"{path}: checkpoint state is unreadable: {e.Message}", e);
        }
    }

    /// <summary>Loads weights and optimizer state, refusing a checkpoint written for another configuration or damaged.</summary>
    public static CheckpointState Restore(string checkpoint, nn.Module model, AdamW? optimizer, string expectedConfigHash)
    {
        if (Checksums.Verify(checkpoint) is { } problem)
            throw new InvalidOperationException($"{checkpoint}: checkpoint is corrupt: {problem}. Rerun the training: it resumes from the checkpoint before it.");
        var state = ReadState(checkpoint);
        if (state.ConfigHash != expectedConfigHash)
            throw new InvalidOperationException(
                $"{checkpoint}: checkpoint was written by configuration {state.ConfigHash}, this run is {expectedConfigHash}; refusing to mix them.");
        try
        {
            model.load(Path.Combine(checkpoint, "model.bin"));
            optimizer?.Load(Path.Combine(checkpoint, "optimizer.bin"));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException($"{checkpoint}: checkpoint does not match the model or is corrupt: {e.Message}", e);
        }
        return state;
    }
}
