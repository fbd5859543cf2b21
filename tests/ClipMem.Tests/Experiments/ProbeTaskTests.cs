using ClipMem.Data.Synthetic;
using ClipMem.Experiments;

namespace ClipMem.Tests.Experiments;

public class ProbeTaskTests
{
    [Fact]
    public void TheSyntheticProbeClassifiesShapesAndCarriesTheColourOfTheSameImages()
    {
        var probe = ProbeTask.For(ExperimentPreset.Tiny, TextWriter.Null)!;
        Assert.Equal(SceneVocabulary.CommonShapes.Count, probe.Classes.Count);
        // Class prompts name a colour, as every caption of the world does, averaged over the colours.
        Assert.Equal(2 * SceneVocabulary.CommonColours.Count, probe.PromptTemplates.Count);
        Assert.Contains("a red {0}", probe.PromptTemplates);

        var colour = Assert.IsType<ProbeAttribute>(probe.Attribute);
        Assert.Equal("colour", colour.Name);
        var labels = colour.LabelsOf(probe.Test);
        for (int i = 0; i < probe.Test.Count; i++)
            Assert.Equal(SyntheticScenes.ColourLabelPrefix + colour.Classes[labels[i]], probe.Test[i].Labels[1]);
        Assert.True(labels.Distinct().Count() > 5, "the probe's colours barely vary");
        Assert.All(colour.PromptTemplates, t => Assert.StartsWith("a {0} ", t));
    }
}
