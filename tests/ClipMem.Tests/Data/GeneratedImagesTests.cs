using ClipMem.Data;
using ClipMem.Data.Synthetic;
using ClipMem.Experiments;
using ClipMem.Experiments.Mitigations;
using ClipMem.Tests.Loaders;
using ClipMem.Tests.Training;
using static TorchSharp.torch;

namespace ClipMem.Tests.Data;

/// <summary>The study's "generated images" (Table 1): images made from each sample's captions that training sees in place of its own.</summary>
public class GeneratedImagesTests
{
    private static CaptionDataset Scenes(int count = 6, int captions = 5) =>
        SyntheticScenes.Generate(new SyntheticScenesOptions(Count: count, Resolution: 32, Seed: 3, CaptionsPerImage: captions));

    [Fact]
    public void SyntheticScenesReRenderEachCaptionInTurnAndLeaveTheSamplesOwnImage()
    {
        var scenes = Scenes();
        var attached = GeneratedImages.Attach(scenes.WithCaptionsPerImage(2), 5, 32, seed: 7);
        Assert.Equal(GeneratedImageMethod.RenderedFromCaption, GeneratedImages.MethodFor(scenes));
        foreach (var sample in attached)
        {
            var own = scenes[sample.Id].Image.Load().Pixels;
            Assert.Equal(own, sample.Image.Load().Pixels);                      // scoring's image is untouched
            var generated = sample.TrainingImages!.Select(s => s.Load().Pixels).ToList();
            Assert.Equal(5, generated.Count);
            Assert.All(generated, g => Assert.NotEqual(own, g));
            Assert.Equal(5, generated.Select(g => string.Join(",", g)).Distinct().Count());   // each draws its unnamed details anew
            Assert.Equal(generated[0], sample.TrainingImages![0].Load().Pixels);           // and is the same every time it is made
            // Image j shows caption j mod 2: its scene holds the shapes that caption names.
            for (int j = 0; j < 5; j++)
            {
                var named = SceneCaptionParser.Parse(sample.Captions[j % 2]).Objects.Select(o => o.Shape).Order();
                Assert.Equal(named, SyntheticScenes.SpecFromCaption(sample.Captions[j % 2], 0).Objects.Select(o => o.Shape).Order());
            }
        }
        // Image j is drawn from caption j mod 2: with the second caption replaced by the first, the even images stay
        // as they were and the odd ones change.
        var twice = new CaptionDataset(scenes.Name, scenes.Source, scenes.WithCaptionsPerImage(2).Select(s => s with { Captions = [s.Captions[0], s.Captions[0]] }));
        var firstOnly = GeneratedImages.Attach(twice, 5, 32, seed: 7);
        for (int j = 0; j < 5; j++)
        {
            var a = attached[0].TrainingImages![j].Load().Pixels;
            var b = firstOnly[0].TrainingImages![j].Load().Pixels;
            if (j % 2 == 0) Assert.Equal(a, b);
            else Assert.NotEqual(a, b);
        }
    }

    [Fact]
    public void ARunsSeedChangesTheGeneratedImagesAndTheSameSeedRepeatsThem()
    {
        var scenes = Scenes(2);
        var a = GeneratedImages.Attach(scenes, 1, 32, seed: 1)[0].TrainingImages![0].Load().Pixels;
        var b = GeneratedImages.Attach(scenes, 1, 32, seed: 1)[0].TrainingImages![0].Load().Pixels;
        var c = GeneratedImages.Attach(scenes, 1, 32, seed: 2)[0].TrainingImages![0].Load().Pixels;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void ADatasetWithoutAGeneratorGetsFixedStrongAugmentationsOfItsImage()
    {
        using var folder = new TempDirectory();
        var samples = Enumerable.Range(0, 3).Select(i =>
        {
            string path = folder.Write($"{i}.png", LoaderFixtures.RgbaPng(40, 40, (x, y) => new SixLabors.ImageSharp.PixelFormats.Rgba32((byte)(6 * x), (byte)(6 * y), (byte)(i * 80), 255)));
            return new Sample(new SampleId($"img-{i}"), new FileImageSource(path, new SampleId($"img-{i}"), ImageLimits.Default), ["a gradient"]);
        });
        var dataset = new CaptionDataset("folder", folder.Path, samples);
        Assert.Equal(GeneratedImageMethod.FixedStrongAugmentation, GeneratedImages.MethodFor(dataset));
        var attached = GeneratedImages.Attach(dataset, 2, 16, seed: 0);
        var own = dataset[0].Image.Load();
        var first = attached[0].TrainingImages![0].Load();
        Assert.Equal((32, 32), (first.Width, first.Height));                   // twice the model's resolution, as the cache stores images
        Assert.NotEqual(own.ResampleRegion(0, 0, own.Width, own.Height, 32, 32).Pixels, first.Pixels);
        Assert.NotEqual(first.Pixels, attached[0].TrainingImages![1].Load().Pixels);
        Assert.Equal(first.Pixels, attached[0].TrainingImages![0].Load().Pixels);
    }

    [Fact]
    public void TheCountIsChecked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GeneratedImages.Attach(Scenes(2), 0, 32, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GeneratedImages.Attach(Scenes(2), 6, 32, 0));
        var config = ExperimentPreset.Tiny with { Data = ExperimentPreset.Tiny.Data with { GeneratedImages = 6 } };
        Assert.Contains("data.generated_images = 6", Assert.Throws<ArgumentException>(config.Validate).Message);
        var dino = ExperimentPreset.Tiny with { Model = ExperimentPreset.Tiny.Model with { Paradigm = "dino" }, Data = ExperimentPreset.Tiny.Data with { GeneratedImages = 1 } };
        Assert.Contains("only the clip paradigm", Assert.Throws<ArgumentException>(dino.Validate).Message);
    }

    [Fact]
    public void RunsWithGeneratedImagesGetAHashOfTheirOwn()
    {
        var plain = ExperimentPreset.Tiny;
        string json = System.Text.Json.JsonSerializer.Serialize(plain, ClipMem.Common.Json.Options);
        Assert.Contains("\"generated_images\": 0", json);                 // config.json says it
        var withOne = plain with { Data = plain.Data with { GeneratedImages = 1 } };
        Assert.NotEqual(plain.Hash(), withOne.Hash());
        Assert.NotEqual(withOne.Hash(), (plain with { Data = plain.Data with { GeneratedImages = 2 } }).Hash());
    }

    [Fact]
    public void AMiscaptionedSamplesGeneratedImagesShowItsTrueCaptionsNotTheInjectedOnes()
    {
        var config = ExperimentPreset.Tiny with { Data = ExperimentPreset.Tiny.Data with { GeneratedImages = 2, CaptionsPerImage = 1 } };
        var data = ExperimentData.Build(config, TextWriter.Null);
        var (victim, donor) = data.Injection.DonorOf.First();
        var trained = data.Effective[victim];
        Assert.Equal(data.Pool[donor].Captions.Take(1), trained.Captions);      // training reads the donor's caption
        var fromTrue = GeneratedImages.Attach(data.Pool.WithCaptionsPerImage(1), 2, config.Data.Resolution, config.Seed)[victim];
        for (int j = 0; j < 2; j++) Assert.Equal(fromTrue.TrainingImages![j].Load().Pixels, trained.TrainingImages![j].Load().Pixels);
        Assert.Equal(data.Pool[victim].Image.Load().Pixels, data.Scored[victim].Image.Load().Pixels);
    }
}

/// <summary>What the training pipeline draws when samples have generated images.</summary>
public class GeneratedImagesPipelineTests
{
    [Fact]
    public void TrainingDrawsEachGeneratedImageAndNeverTheOwnOneWhileEvaluationKeepsTheOwn()
    {
        var data = new TinyClipData(4);
        var attached = GeneratedImages.Attach(data.Dataset, 3, TinyClipData.Resolution, seed: 5);
        var cache = new ImageCache(attached, TinyClipData.Resolution);
        var pipeline = new ClipMem.Training.ClipDataPipeline(cache, data.Ids, data.Tokenizer, data.Config.Text.ContextLength,
            TinyClipData.Resolution, AugmentationOptions.Training, seed: 9);
        var id = data.Ids[0];
        int pixels = 3 * TinyClipData.Resolution * TinyClipData.Resolution;
        float[] Normalized(RgbImage image, ViewParams view)
        {
            var buffer = new float[pixels];
            ImageTensors.Normalize(view.Apply(image, TinyClipData.Resolution), buffer);
            return buffer;
        }
        var seen = new HashSet<int>();
        for (int epoch = 0; epoch < 30; epoch++)
        {
            using var scope = NewDisposeScope();
            var batch = pipeline.TrainingBatch([0], epoch);
            var got = batch.Images.data<float>().ToArray();
            var view = AugmentationOptions.Training.Draw(9, id, epoch, "train");
            Assert.NotEqual(Normalized(cache.Get(id), view), got);
            int match = Enumerable.Range(0, 3).Single(j => Normalized(cache.GetTrainingImage(id, j), view).SequenceEqual(got));
            seen.Add(match);
        }
        Assert.Equal([0, 1, 2], seen.Order());
        using var eval = pipeline.EvaluationBatch([0]);
        Assert.Equal(Normalized(cache.Get(id), AugmentationOptions.Eval.Draw(9, id, 0, "eval")), eval.Images.data<float>().ToArray());
    }

    [Fact]
    public void WithoutGeneratedImagesTheTrainingImageIsTheOwnOne()
    {
        var data = new TinyClipData(2);
        Assert.Equal(1, data.Images.TrainingImageCount(data.Ids[0]));
        Assert.Equal(data.Images.Get(data.Ids[0]).Pixels, data.Images.GetTrainingImage(data.Ids[0], 0).Pixels);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Images.GetTrainingImage(data.Ids[0], 1));
    }
}
