using ClipMem.Models;
using ClipMem.Training;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipMem.Evaluation;

/// <summary>
/// Zero-shot classification with caption prompts (CLIP's prompt ensembling): each class is the normalised
/// mean of its prompts' text embeddings; an image takes the class of highest cosine.
/// </summary>
public static class ZeroShot
{
    public static double Accuracy(ClipModel model, ClipDataPipeline text, float[] normalisedImageEmbeddings, int[] labels,
        IReadOnlyList<string> classNames, IReadOnlyList<string> promptTemplates)
    {
        int dim = model.Config.EmbedDim;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var classEmbeddings = classNames.Select(name =>
        {
            var prompts = promptTemplates.Select(t => string.Format(t, name)).ToList();
            var (tokens, ends) = text.EncodeCaptions(prompts);
            return functional.normalize(model.EncodeText(tokens, ends).mean([0]), dim: 0);
        }).ToList();
        var classes = stack(classEmbeddings).cpu();                          // [C, D]
        var images = tensor(normalisedImageEmbeddings, [labels.Length, dim]); // [N, D]
        var predicted = images.matmul(classes.t()).argmax(1).data<long>().ToArray();
        return predicted.Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length;
    }
}
