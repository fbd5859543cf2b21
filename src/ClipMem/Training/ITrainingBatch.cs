using static TorchSharp.torch;

namespace ClipMem.Training;

/// <summary>A batch the trainer builds on its prefetch thread and disposes after the step that used it.</summary>
public interface ITrainingBatch : IDisposable
{
    /// <summary>The tensors the batch owns: they outlive the dispose scope the batch was built in.</summary>
    IEnumerable<Tensor> Tensors { get; }
}

/// <summary>
/// Batch building under a dispose scope, on whichever thread builds it. The scope roots every temporary
/// tensor of the build until it ends, so no finalizer can free one while libtorch still reads it (the
/// prefetch-thread segfault, see Diagnostics/NativeLifetimeStress), and frees them all at once; the
/// batch's own tensors are detached and survive.
/// </summary>
public static class ScopedBatch
{
    public static TBatch Build<TBatch>(Func<TBatch> build) where TBatch : ITrainingBatch
    {
        using var scope = NewDisposeScope();
        var batch = build();
        scope.Detach(batch.Tensors);
        return batch;
    }
}
