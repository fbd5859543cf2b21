using ClipMem.Common;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipMem.Training;

/// <summary>
/// Symmetric InfoNCE (open_clip ClipLoss): cross-entropy of image->text and text->image logits against
/// the diagonal, averaged. Per-sample losses are the mean of a pair's two cross-entropy terms, so they
/// average to the batch loss exactly.
/// </summary>
public static class ClipLoss
{
    /// <param name="imageEmbeddings">[N, D], L2-normalised.</param>
    /// <param name="textEmbeddings">[N, D], L2-normalised; row i is the caption of image i.</param>
    /// <param name="logitScale">The temperature multiplier exp(logit_scale), a scalar tensor.</param>
    public static Tensor PerSample(Tensor imageEmbeddings, Tensor textEmbeddings, Tensor logitScale)
    {
        if (imageEmbeddings.shape[0] != textEmbeddings.shape[0])
            throw new ArgumentException($"{imageEmbeddings.shape[0]} images but {textEmbeddings.shape[0]} captions in the batch.");
        using var scope = NewDisposeScope();
        var logitsPerImage = logitScale.mul(imageEmbeddings.matmul(textEmbeddings.t()));
        var labels = TorchScalars.Indices(imageEmbeddings.shape[0], imageEmbeddings.device);
        var imageToText = functional.cross_entropy(logitsPerImage, labels, reduction: Reduction.None);
        var textToImage = functional.cross_entropy(logitsPerImage.t(), labels, reduction: Reduction.None);
        return imageToText.add(textToImage, TorchScalars.One).mul_(TorchScalars.Half).MoveToOuterDisposeScope();
    }

    public static Tensor Mean(Tensor imageEmbeddings, Tensor textEmbeddings, Tensor logitScale)
    {
        using var perSample = PerSample(imageEmbeddings, textEmbeddings, logitScale);
        return perSample.mean();
    }
}
