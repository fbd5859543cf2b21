using ClipMem.Models;
using ClipMem.Tests.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Tests.Models;

[Collection(TorchRandomStateCollection.Name)]
public class ClipModelTests
{
    private const int Vocabulary = 600;

    public ClipModelTests() => torch.set_num_threads(1);

    private static ClipModel TinyModel(long seed = 11)
    {
        torch.manual_seed(seed);
        return new ClipModel(ClipConfig.Tiny(Vocabulary));
    }

    private static Tensor RandomImages(ClipConfig config, int batch, long seed)
    {
        using var generator = new Generator((ulong)seed);
        return randn([batch, 3, config.Vision.ImageSize, config.Vision.ImageSize], generator: generator);
    }

    /// <summary>[start, t_1..t_len, end, 0...] rows like the tokenizer's, the filler ids arbitrary.</summary>
    private static (Tensor Tokens, Tensor Ends) Captions(int contextLength, params int[] lengths)
    {
        var tokens = new long[lengths.Length * contextLength];
        var ends = new long[lengths.Length];
        for (int b = 0; b < lengths.Length; b++)
        {
            tokens[b * contextLength] = Vocabulary - 2;
            for (int t = 1; t <= lengths[b]; t++) tokens[b * contextLength + t] = 1 + (7 * t + 13 * b) % 500;
            tokens[b * contextLength + lengths[b] + 1] = Vocabulary - 1;
            ends[b] = lengths[b] + 1;
        }
        return (tensor(tokens, [lengths.Length, contextLength]), tensor(ends));
    }

    private static double[] RowNorms(Tensor embeddings)
    {
        using var norms = embeddings.norm(1);
        return norms.data<float>().ToArray().Select(v => (double)v).ToArray();
    }

    [Fact]
    public void PaperPresetHasViTB32ParameterCountAndEmbedsToUnitVectors()
    {
        // OpenAI CLIP ViT-B/32: 151,277,313 parameters (sum of numel over the released state dict).
        const long reference = 151_277_313;
        torch.manual_seed(0);
        using var model = new ClipModel(ClipConfig.Paper());
        Assert.Equal(49_408, model.Config.Text.VocabularySize);
        Assert.InRange(model.ParameterCount(), (long)(reference * 0.99), (long)(reference * 1.01));

        model.eval();
        using var _ = no_grad();
        using var images = RandomImages(model.Config, 1, 5);
        Assert.Equal(new long[] { 1, 3, 224, 224 }, images.shape);
        var (tokens, ends) = Captions(77, 9);
        using (tokens)
        using (ends)
        {
            var (image, text, scale) = model.forward(images, tokens, ends);
            using (image)
            using (text)
            using (scale)
            {
                Assert.Equal(new long[] { 1, 512 }, image.shape);
                Assert.Equal(new long[] { 1, 512 }, text.shape);
                Assert.Equal(1.0, RowNorms(image)[0], 5);
                Assert.Equal(1.0, RowNorms(text)[0], 5);
            }
        }
    }

    [Fact]
    public void EncodersNormalizeOnlyWhenAsked()
    {
        using var model = TinyModel();
        model.eval();
        using var _ = no_grad();
        using var images = RandomImages(model.Config, 3, 1);
        var (tokens, ends) = Captions(model.Config.Text.ContextLength, 3, 5, 8);
        using (tokens)
        using (ends)
        {
            using var rawImage = model.EncodeImage(images, normalize: false);
            using var unitImage = model.EncodeImage(images);
            using var rawText = model.EncodeText(tokens, ends, normalize: false);
            using var unitText = model.EncodeText(tokens, ends);

            foreach (var norm in RowNorms(unitImage).Concat(RowNorms(unitText))) Assert.Equal(1.0, norm, 5);
            // The raw features are not unit vectors; the normalised ones are them divided by their norm.
            Assert.Contains(RowNorms(rawImage).Concat(RowNorms(rawText)), n => Math.Abs(n - 1) > 1e-2);
            using var expectedImage = rawImage / rawImage.norm(1, keepdim: true);
            using var expectedText = rawText / rawText.norm(1, keepdim: true);
            Assert.True(unitImage.allclose(expectedImage, rtol: 1e-5, atol: 1e-6));
            Assert.True(unitText.allclose(expectedText, rtol: 1e-5, atol: 1e-6));
        }
    }

    [Fact]
    public void LogitScaleStartsAtLnOneOverSevenHundredthsAndTemperatureNeverExceeds100()
    {
        using var model = TinyModel();
        Assert.Equal(Math.Log(1 / 0.07), model.LogitScale.item<float>(), 6);
        using (var temperature = model.Temperature()) Assert.Equal(1 / 0.07, temperature.item<float>(), 4);

        SetLogitScale(model, 7.0); // far above ln 100 = 4.605
        using (var temperature = model.Temperature()) Assert.Equal(100.0, temperature.item<float>(), 3);
        Assert.Equal(7.0, model.LogitScale.item<float>(), 6); // Temperature() clamps the value it uses, not the parameter
    }

    [Fact]
    public void ClampLogitScaleKeepsTheParameterBetweenZeroAndLn100()
    {
        using var model = TinyModel();
        SetLogitScale(model, 7.0);
        model.ClampLogitScale();
        Assert.Equal(Math.Log(100), model.LogitScale.item<float>(), 6);

        SetLogitScale(model, -3.0);
        model.ClampLogitScale();
        Assert.Equal(0.0, model.LogitScale.item<float>(), 6);

        SetLogitScale(model, 2.5);
        model.ClampLogitScale();
        Assert.Equal(2.5, model.LogitScale.item<float>(), 6);
    }

    [Fact]
    public void TextEmbeddingDependsOnlyOnTokensUpToTheEndPosition()
    {
        using var model = TinyModel();
        model.eval();
        using var _ = no_grad();
        int context = model.Config.Text.ContextLength;
        var (tokens, ends) = Captions(context, 4);
        using (tokens)
        using (ends)
        {
            using var reference = model.EncodeText(tokens, ends);

            // After the end token (position 5): padding replaced by arbitrary tokens.
            using var afterEnd = tokens.clone();
            afterEnd[0, 6] = tensor(123L);
            afterEnd[0, context - 1] = tensor(321L);
            using var changedAfterEnd = model.EncodeText(afterEnd, ends);
            Assert.Equal(reference.data<float>().ToArray(), changedAfterEnd.data<float>().ToArray());

            // Before the end token: the embedding must change (the end position reads the whole caption).
            using var beforeEnd = tokens.clone();
            beforeEnd[0, 2] = tensor(321L);
            using var changedBeforeEnd = model.EncodeText(beforeEnd, ends);
            Assert.False(reference.allclose(changedBeforeEnd, rtol: 1e-4, atol: 1e-5));

            // Pooling happens at the given end position, not at a fixed index.
            using var otherEnd = tensor(new long[] { 3 });
            using var pooledElsewhere = model.EncodeText(tokens, otherEnd);
            Assert.False(reference.allclose(pooledElsewhere, rtol: 1e-4, atol: 1e-5));
        }
    }

    [Fact]
    public void ForwardWithActivationsReturnsOneBatchByHiddenTensorPerBlock()
    {
        var config = ClipConfig.Quick(Vocabulary); // two vision blocks
        torch.manual_seed(3);
        using var model = new ClipModel(config);
        model.eval();
        using var _ = no_grad();
        using var images = RandomImages(config, 4, 2);
        var (output, activations) = model.Visual.ForwardWithActivations(images);
        using (output)
        {
            Assert.Equal(new long[] { 4, config.EmbedDim }, output.shape);
            Assert.Equal(config.Vision.Layers, activations.Count);
            int hidden = (int)(config.Vision.Width * config.Vision.MlpRatio);
            foreach (var activation in activations)
            {
                Assert.Equal(new long[] { 4, hidden }, activation.shape);
                Assert.All(activation.data<float>().ToArray(), v => Assert.True(float.IsFinite(v)));
            }
            // The plain forward pass gives the same output, and collection is switched off afterwards.
            using var plain = model.Visual.forward(images);
            Assert.Equal(plain.data<float>().ToArray(), output.data<float>().ToArray());
            foreach (var activation in activations) activation.Dispose();
        }

        // Inside a caller's dispose scope the activations live as long as that scope.
        using (var scope = NewDisposeScope())
        {
            var (_, scoped) = model.Visual.ForwardWithActivations(images);
            Assert.Equal(config.Vision.Layers, scoped.Count);
            Assert.All(scoped, a => Assert.Equal(4, a.shape[0]));
        }
    }

    private static void SetLogitScale(ClipModel model, double value)
    {
        using var _ = no_grad();
        using var scalar = value.ToScalar();
        model.LogitScale.fill_(scalar);
    }
}
