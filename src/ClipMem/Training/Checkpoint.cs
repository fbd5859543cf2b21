using System.Text.Json;
using ClipMem.Common;
using static TorchSharp.torch;

namespace ClipMem.Training;

/// <summary>
/// What a checkpoint records besides the tensors. <paramref name="EpochLosses"/> holds the step losses of an
/// epoch interrupted mid-way, so the resumed run's epoch loss averages all of that epoch's steps.
/// </summary>
public sealed record CheckpointState(int Step, int Epoch, string ConfigHash, ulong Seed, string RngNote, IReadOnlyList<double>? EpochLosses = null,
    IReadOnlyDictionary<string, double[]>? EpochNamedLosses = null);

/// <summary>
/// Checkpoints as folders (state.json, model.bin, optimizer.bin) written under a temporary name and renamed
/// into place, so a folder named step-N is always complete. All randomness in training is derived from
/// (seed, epoch, step, sample), so model, optimizer and step are the whole state to resume from.
/// </summary>
public static class Checkpoint
{
    public const string RngNote = "all training randomness is derived from (seed, epoch, step, sample id); nothing else to restore";

    /// <param name="saveTaskState">Writes the training task's own state (DINO's centre and teacher) into the checkpoint folder.</param>
    public static string Save(string directory, nn.Module model, AdamW optimizer, CheckpointState state, Action<string>? saveTaskState = null)
    {
        string final = Path.Combine(directory, $"step-{state.Step:D8}");
        if (Directory.Exists(final)) return final;
        string temp = Path.Combine(directory, $".tmp-step-{state.Step:D8}-{Environment.ProcessId}");
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        model.save(Path.Combine(temp, "model.bin"));
        optimizer.Save(Path.Combine(temp, "optimizer.bin"));
        saveTaskState?.Invoke(temp);
        File.WriteAllText(Path.Combine(temp, "state.json"), JsonSerializer.Serialize(state, Json.Options));
        Directory.Move(temp, final);
        return final;
    }

    /// <summary>The newest complete checkpoint in the folder, or null.</summary>
    public static string? Latest(string directory) =>
        Directory.Exists(directory)
            ? Directory.GetDirectories(directory, "step-*").Where(d => File.Exists(Path.Combine(d, "state.json"))).Order().LastOrDefault()
            : null;

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

    /// <summary>Loads weights and optimizer state, refusing a checkpoint written for another configuration.</summary>
    public static CheckpointState Restore(string checkpoint, nn.Module model, AdamW? optimizer, string expectedConfigHash)
    {
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
