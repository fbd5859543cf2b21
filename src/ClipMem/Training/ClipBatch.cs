using static TorchSharp.torch;

namespace ClipMem.Training;

/// <summary>A batch of image-caption pairs as tensors: images [N,3,H,W], tokens [N,ctx], end-token positions [N].</summary>
public sealed class ClipBatch(Tensor images, Tensor tokens, Tensor endPositions) : ITrainingBatch
{
    public Tensor Images { get; } = images;
    public Tensor Tokens { get; } = tokens;
    public Tensor EndPositions { get; } = endPositions;
    public int Count => (int)Images.shape[0];
    public IEnumerable<Tensor> Tensors => [Images, Tokens, EndPositions];

    public void Dispose()
    {
        Images.Dispose();
        Tokens.Dispose();
        EndPositions.Dispose();
    }
}
