using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipMem.Models;

/// <summary>The shared ViT with a linear head on its pooled class-token feature (the study's supervised paradigm).</summary>
public sealed class SupervisedClassifier : Module<Tensor, Tensor>
{
    private readonly VisionTransformer visual;
    private readonly Linear head;

    public SupervisedClassifier(VisionConfig vision, int classes) : base("supervised")
    {
        // The projection of the ViT is unused here; its output width only has to exist.
        visual = new VisionTransformer(vision, outputDim: vision.Width);
        head = Linear(vision.Width, classes);
        RegisterComponents();
    }

    public VisionTransformer Visual => visual;

    /// <summary>The width of the head: one logit per class.</summary>
    public int Classes => (int)head.weight!.shape[0];

    public override Tensor forward(Tensor images)
    {
        using var features = visual.ForwardFeatures(images);
        return head.forward(features);
    }
}
