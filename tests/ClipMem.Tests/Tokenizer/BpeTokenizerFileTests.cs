using System.Text.Json;
using System.Text.Json.Nodes;
using ClipMem.Data;
using ClipMem.Data.Text;

namespace ClipMem.Tests.Tokenizer;

public sealed class BpeTokenizerFileTests : IDisposable
{
    private static readonly Lazy<BpeTokenizer> Trained = new(() => BpeTrainer.Train(SyntheticCaptions.Generate(3000, seed: 12), 900));

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"clipmem-tokenizer-{Guid.NewGuid():N}");

    public BpeTokenizerFileTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SaveThenLoadEncodesIdentically()
    {
        var original = Trained.Value;
        string path = Path.Combine(_folder, "nested", "tokenizer.json");

        original.Save(path);
        var loaded = BpeTokenizer.Load(path);

        Assert.Equal(original.Merges, loaded.Merges);
        Assert.Equal(original.VocabularySize, loaded.VocabularySize);
        Assert.Equal(original.Fingerprint, loaded.Fingerprint);
        foreach (string caption in SyntheticCaptions.Generate(200, seed: 13).Append("naïve 🐶 ж <|endoftext|>"))
            Assert.Equal(original.EncodeForModel(caption, 77), loaded.EncodeForModel(caption, 77));
        Assert.Equal(["tokenizer.json"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void FileRecordsFormatMergesAndSpecialTokens()
    {
        string path = Path.Combine(_folder, "tokenizer.json");
        Trained.Value.Save(path);

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        Assert.Equal("clipmem-clip-bpe", root.GetProperty("format").GetString());
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal(Trained.Value.Merges.Select(m => $"{m.Left} {m.Right}"), root.GetProperty("merges").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("<|endoftext|>", root.GetProperty("endToken").GetString());
        Assert.Equal(900, root.GetProperty("vocabularySize").GetInt32());
        Assert.Equal(Trained.Value.Fingerprint, root.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public void FingerprintDependsOnTheMerges()
    {
        var tokenizer = Trained.Value;
        var fewer = BpeTokenizer.FromMerges(tokenizer.Merges.Take(tokenizer.Merges.Count - 1));

        Assert.Matches("^[0-9a-f]{64}$", tokenizer.Fingerprint);
        Assert.NotEqual(tokenizer.Fingerprint, fewer.Fingerprint);
        Assert.Equal(tokenizer.Fingerprint, BpeTokenizer.FromMerges(tokenizer.Merges).Fingerprint);
    }

    public static TheoryData<string, string> Corruptions => new()
    {
        { "truncated", "not valid JSON" },
        { "not-json", "not valid JSON" },
        { "array-root", "expected a JSON object" },
        { "wrong-format", "not a ClipMem tokenizer file" },
        { "future-version", "version 2 is not supported" },
        { "missing-merges", "missing property 'merges'" },
        { "merge-without-space", "merge 3" },
        { "undefined-token", "neither a byte symbol nor made by an earlier merge" },
        { "swapped-merges", "merge 0" },
        { "duplicate-merge", "already a token" },
        { "edited-fingerprint", "fingerprint" },
        { "wrong-size", "vocabularySize is 901" },
        { "edited-vocabulary", "vocabulary entry 600" },
        { "wrong-end-token", "endToken" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void CorruptFileFailsNamingTheFileAndTheProblem(string corruption, string expectedProblem)
    {
        string path = Path.Combine(_folder, $"{corruption}.json");
        Trained.Value.Save(path);
        Corrupt(path, corruption);

        var error = Assert.Throws<DataFormatException>(() => BpeTokenizer.Load(path));

        Assert.Contains(path, error.Message);
        Assert.Contains(expectedProblem, error.Message);
    }

    [Fact]
    public void FileResavedWithAByteOrderMarkStillLoads()
    {
        string path = Path.Combine(_folder, "bom.json");
        Trained.Value.Save(path);
        File.WriteAllText(path, File.ReadAllText(path), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        Assert.Equal(Trained.Value.Fingerprint, BpeTokenizer.Load(path).Fingerprint);
    }

    [Fact]
    public void MissingFileNamesThePath()
    {
        string path = Path.Combine(_folder, "absent.json");
        var error = Assert.Throws<FileNotFoundException>(() => BpeTokenizer.Load(path));
        Assert.Contains(path, error.Message);
    }

    private static void Corrupt(string path, string corruption)
    {
        string text = File.ReadAllText(path);
        var root = JsonNode.Parse(text)!.AsObject();
        var merges = root["merges"]!.AsArray();
        switch (corruption)
        {
            case "truncated": File.WriteAllText(path, text[..(text.Length / 2)]); return;
            case "not-json": File.WriteAllText(path, "merges:\n e s\n"); return;
            case "array-root": File.WriteAllText(path, "[1, 2]"); return;
            case "wrong-format": root["format"] = "hf-tokenizers"; break;
            case "future-version": root["version"] = 2; break;
            case "missing-merges": root.Remove("merges"); break;
            case "merge-without-space": merges[3] = "nospace"; break;
            case "undefined-token": merges[5] = "qqqq zzzz"; break;
            case "swapped-merges":
                // the second merge builds on the first, so moving it first makes it refer to an undefined token
                string later = merges.Select(m => m!.GetValue<string>()).First(m => m.Split(' ')[0].Length > 1);
                int index = merges.Select(m => m!.GetValue<string>()).ToList().IndexOf(later);
                merges.RemoveAt(index);
                merges.Insert(0, later);
                break;
            case "duplicate-merge": merges.Add(merges[0]!.GetValue<string>()); break;
            case "edited-fingerprint": root["fingerprint"] = new string('0', 64); break;
            case "wrong-size": root["vocabularySize"] = 901; break;
            case "edited-vocabulary": root["vocabulary"]!.AsArray()[600] = "tampered"; break;
            case "wrong-end-token": root["endToken"] = "</s>"; break;
            default: throw new ArgumentException(corruption);
        }
        File.WriteAllText(path, root.ToJsonString());
    }
}
