using ClipMem.Data;
using ClipMem.Training;

namespace ClipMem.Tests.Training;

public class TrainingHistoryTests
{
    [Fact]
    public void ReadsEveryEpochWithItsTaskMetrics()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "metrics.jsonl");
        File.WriteAllText(path,
            "{\"epoch\":0,\"step\":10,\"loss\":4.1,\"lr\":0.001,\"samples_per_second\":900,\"logit_scale\":14.3,\"text_embedding_rms\":\"NaN\"}\n" +
            "{\"epoch\":1,\"step\":20,\"loss\":3.5,\"lr\":0.0005,\"samples_per_second\":950,\"logit_scale\":15.1}\n\n");
        var epochs = TrainingHistory.Read(path);
        Assert.Equal([0, 1], epochs.Select(e => e.Epoch));
        Assert.Equal([4.1, 3.5], epochs.Select(e => e.Loss));
        Assert.Equal(0.0005, epochs[1].LearningRate);
        Assert.Equal(15.1, epochs[1]["logit_scale"]);
        Assert.True(double.IsNaN(epochs[0]["text_embedding_rms"])); // written as the string "NaN": not a recorded number
        Assert.True(double.IsNaN(epochs[1]["unknown"]));
    }

    [Fact]
    public void AMalformedLineIsNamed()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "metrics.jsonl");
        File.WriteAllText(path, "{\"epoch\":0,\"step\":10,\"loss\":4.1,\"lr\":0.001,\"samples_per_second\":900}\n{\"epoch\":1,\"step\":20}\n");
        var e = Assert.Throws<DataFormatException>(() => TrainingHistory.Read(path));
        Assert.Contains("line 2", e.Message);
        Assert.Contains("'loss'", e.Message);
        Assert.Contains(path, e.Message);
    }
}
