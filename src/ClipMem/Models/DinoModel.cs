using System.Text.Json.Nodes;
using ClipMem.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClipMem.Models;

/// <summary>DINO's architecture at one size: the backbone (the shared ViT of the CLIP config of that size) and the head.</summary>
public sealed record DinoConfig(VisionConfig Vision, DinoHeadConfig Head)
{
    private const string Prefix = "model_configs/dino-";

    /// <summary>The sizes with a model_configs/dino-SIZE.json.</summary>
    public static IReadOnlyList<string> Sizes { get; } = typeof(DinoConfig).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^".json".Length]).Order(StringComparer.Ordinal).ToList();

    public static DinoConfig Load(string size, int imageSize)
    {
        string name = $"{Prefix}{size}.json";
        using var stream = typeof(DinoConfig).Assembly.GetManifestResourceStream(name)
                           ?? throw new ArgumentException($"Unknown DINO size '{size}': known sizes are {string.Join(", ", Sizes)}.");
        var root = JsonNode.Parse(stream) as JsonObject ?? throw new InvalidDataException($"{name}: not a JSON object");
        string backbone = root["backbone"]?.GetValue<string>() ?? throw new InvalidDataException($"{name}: 'backbone' is missing");
        var head = root["head"] as JsonObject ?? throw new InvalidDataException($"{name}: 'head' is missing or not an object");
        int Int(string key) => head[key] is JsonValue v && v.TryGetValue<int>(out int i) ? i : throw new InvalidDataException($"{name}: 'head.{key}' is missing or not an integer");
        // The vocabulary is irrelevant to the image tower: any valid size loads the CLIP config.
        var vision = ClipModelConfigs.Load(backbone, vocabularySize: 1000).Vision with { ImageSize = imageSize };
        return new DinoConfig(vision, new DinoHeadConfig(Int("hidden_dim"), Int("bottleneck_dim"), Int("out_dim"), Int("layers")));
    }
}

/// <summary>
/// DINO's student and teacher (Caron et al. 2021; facebookresearch/dino): the same ViT backbone and head twice, the
/// teacher starting as a copy of the student and then following it as an exponential moving average, never by
/// gradient; and the centre of the teacher's outputs. All of it is module state, so a checkpoint holds teacher and
/// centre with the student and a resumed run continues exactly. The teacher's backbone is the encoder DINO evaluates,
/// and the one scored here.
/// </summary>
public sealed class DinoModel : nn.Module<Tensor, Tensor>
{
    private readonly VisionTransformer student_backbone, teacher_backbone;
    private readonly DinoHead student_head, teacher_head;
    private readonly Tensor center;

    public DinoConfig Config { get; }

    public DinoModel(DinoConfig config) : base("dino")
    {
        Config = config;
        // The ViT's projection is unused: DINO reads the pooled class token (head = Identity in its ViT).
        student_backbone = new VisionTransformer(config.Vision, outputDim: config.Vision.Width);
        student_head = new DinoHead("student_head", config.Vision.Width, config.Head);
        teacher_backbone = new VisionTransformer(config.Vision, outputDim: config.Vision.Width);
        teacher_head = new DinoHead("teacher_head", config.Vision.Width, config.Head);
        center = zeros(1, config.Head.OutDim);
        RegisterComponents();
        using (no_grad())
        {
            foreach (var (teacher, student) in TeacherStudentPairs())
            {
                teacher.copy_(student);
                teacher.requires_grad = false;
            }
        }
    }

    /// <summary>The encoder DINO evaluates: the teacher's backbone.</summary>
    public VisionTransformer Teacher => teacher_backbone;

    public VisionTransformer Student => student_backbone;

    public Tensor Center => center;

    /// <summary>The student's parameters, by name: the only ones the optimiser sees.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> StudentParameters() =>
        named_parameters().Where(p => p.name.StartsWith("student_", StringComparison.Ordinal)).Select(p => (p.name, p.parameter));

    /// <summary>The student on every crop: one backbone pass per resolution (global, local), one head pass over all; crop-major rows.</summary>
    public Tensor StudentForward(Tensor globals, Tensor? locals)
    {
        using var scope = NewDisposeScope();
        var features = student_backbone.ForwardFeatures(globals);
        if (locals is not null) features = cat([features, student_backbone.ForwardFeatures(locals)], 0);
        return student_head.forward(features).MoveToOuterDisposeScope();
    }

    /// <summary>The teacher on the global crops, without a graph.</summary>
    public Tensor TeacherForward(Tensor globals)
    {
        using var _ = no_grad();
        using var features = teacher_backbone.ForwardFeatures(globals);
        return teacher_head.forward(features);
    }

    /// <summary>teacher = m * teacher + (1 - m) * student, parameter by parameter (DINO's EMA update).</summary>
    public void UpdateTeacher(double momentum)
    {
        using var _ = no_grad();
        using var keep = momentum.ToScalar();
        using var take = (1 - momentum).ToScalar();
        foreach (var (teacher, student) in TeacherStudentPairs())
            teacher.mul_(keep).add_(student.detach(), take);
    }

    /// <summary>center = m * center + (1 - m) * mean of the teacher's outputs over the batch (DINO's update_center).</summary>
    public void UpdateCenter(Tensor teacherOutput, double momentum)
    {
        using var _ = no_grad();
        using var keep = momentum.ToScalar();
        using var take = (1 - momentum).ToScalar();
        using var batchCenter = teacherOutput.mean([0], keepdim: true);
        center.mul_(keep).add_(batchCenter, take);
    }

    /// <summary>The pooled class-token feature of the teacher (what SSLMem, UnitMem and the probe read).</summary>
    public override Tensor forward(Tensor images) => teacher_backbone.ForwardFeatures(images);

    private IEnumerable<(Parameter Teacher, Parameter Student)> TeacherStudentPairs()
    {
        var all = named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in all)
            if (name.StartsWith("teacher_", StringComparison.Ordinal))
                yield return (parameter, all["student_" + name["teacher_".Length..]]);
    }
}
