using ClipMem.Tests.Experiments;

namespace ClipMem.Tests.Training;

/// <summary>
/// Tests that seed torch's global generator (torch.manual_seed) and then build models from it. The generator
/// is process-wide, so a test in another class building a model at the same moment would consume draws in
/// between and change the initialisation: these tests run alone, not in parallel with anything else. The
/// collection shares two finished tiny runs (<see cref="TinyRuns"/>), trained on first use.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchRandomStateCollection : ICollectionFixture<TinyRuns>
{
    public const string Name = "torch global random state";
}
