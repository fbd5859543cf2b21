using System.Text;
using System.Text.Json;
using ClipMem.Common;
using ClipMem.Data;

namespace ClipMem.Memorization;

/// <summary>
/// One model's L2-normalised embeddings of a set of samples: the mean over K augmented views, the plain
/// (eval) view, and every caption. CLIPMem, retrieval and the atypicality measure all read from this, so
/// each model embeds each sample once; it is cached in the run directory.
/// </summary>
public sealed class EmbeddingSet
{
    public IReadOnlyList<SampleId> Ids { get; }
    public int Dim { get; }
    /// <summary>[N, D]: mean over the K scoring views of the normalised image embeddings.</summary>
    public float[] MeanViewImage { get; }
    /// <summary>[N, D]: the un-augmented image.</summary>
    public float[] EvalImage { get; }
    /// <summary>[sum of caption counts, D]: every caption, sample by sample.</summary>
    public float[] Captions { get; }
    /// <summary>Start row of sample i's captions in <see cref="Captions"/>; length N + 1.</summary>
    public int[] CaptionOffsets { get; }
    /// <summary>What produced these embeddings (model checkpoint, K, seed): a cache is only reused for the same.</summary>
    public string Provenance { get; }

    private readonly Dictionary<SampleId, int> _index;

    public EmbeddingSet(IReadOnlyList<SampleId> ids, int dim, float[] meanViewImage, float[] evalImage, float[] captions, int[] captionOffsets, string provenance)
    {
        int n = ids.Count;
        if (meanViewImage.Length != n * dim || evalImage.Length != n * dim)
            throw new ArgumentException($"Image embeddings must be [{n}, {dim}].");
        if (captionOffsets.Length != n + 1 || captions.Length != captionOffsets[n] * dim)
            throw new ArgumentException("Caption offsets do not match the caption embeddings.");
        Ids = ids;
        Dim = dim;
        MeanViewImage = meanViewImage;
        EvalImage = evalImage;
        Captions = captions;
        CaptionOffsets = captionOffsets;
        Provenance = provenance;
        _index = ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
    }

    public int IndexOf(SampleId id) => _index.TryGetValue(id, out int i) ? i : throw new KeyNotFoundException($"No embeddings for sample '{id}'.");

    public ReadOnlySpan<float> MeanView(int i) => MeanViewImage.AsSpan(i * Dim, Dim);
    public ReadOnlySpan<float> Eval(int i) => EvalImage.AsSpan(i * Dim, Dim);
    public int CaptionCount(int i) => CaptionOffsets[i + 1] - CaptionOffsets[i];
    public ReadOnlySpan<float> Caption(int i, int j) => Captions.AsSpan((CaptionOffsets[i] + j) * Dim, Dim);

    /// <summary>Mean of sample i's caption embeddings (not re-normalised: cosine means are linear in it).</summary>
    public float[] MeanCaption(int i)
    {
        var mean = new float[Dim];
        int m = CaptionCount(i);
        for (int j = 0; j < m; j++)
        {
            var c = Caption(i, j);
            for (int d = 0; d < Dim; d++) mean[d] += c[d] / m;
        }
        return mean;
    }

    // EMB2: EMB1's layout followed by the SHA-256 of everything before it.
    private const string Magic = "CLIPMEM-EMB2";
    private const int ChecksumLength = 32;

    public void Save(string path) => AtomicFile.Write(path, stream =>
    {
        using var body = new MemoryStream();
        WriteBody(body);
        body.Position = 0;
        body.CopyTo(stream);
        stream.Write(System.Security.Cryptography.SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length)));
    });

    private void WriteBody(Stream stream)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Provenance);
        w.Write(Dim);
        w.Write(Ids.Count);
        foreach (var id in Ids) w.Write(id.Value);
        foreach (var o in CaptionOffsets) w.Write(o);
        WriteFloats(w, MeanViewImage);
        WriteFloats(w, EvalImage);
        WriteFloats(w, Captions);
    }

    /// <summary>
    /// Loads a cached set; null when the file is absent, was produced by something else, or is damaged (its
    /// checksum does not match: it is then recomputed, never trusted, and <paramref name="log"/> says why).
    /// </summary>
    public static EmbeddingSet? TryLoad(string path, string expectedProvenance, TextWriter? log = null)
    {
        if (!File.Exists(path)) return null;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length <= ChecksumLength
            || !System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - ChecksumLength)).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - ChecksumLength)))
        {
            log?.WriteLine($"{path}: does not match its checksum (damaged, cut off, or written by an older version); recomputing the embeddings");
            return null;
        }
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - ChecksumLength), Encoding.UTF8);
            if (r.ReadString() != Magic) return null;
            if (r.ReadString() != expectedProvenance) return null;
            int dim = r.ReadInt32(), n = r.ReadInt32();
            var ids = Enumerable.Range(0, n).Select(_ => new SampleId(r.ReadString())).ToList();
            var offsets = Enumerable.Range(0, n + 1).Select(_ => r.ReadInt32()).ToArray();
            var meanView = ReadFloats(r, n * dim);
            var eval = ReadFloats(r, n * dim);
            var captions = ReadFloats(r, offsets[n] * dim);
            return new EmbeddingSet(ids, dim, meanView, eval, captions, offsets, expectedProvenance);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException)
        {
            return null; // a damaged cache is recomputed, never trusted
        }
    }

    private static void WriteFloats(BinaryWriter w, float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        w.Write(bytes);
    }

    private static float[] ReadFloats(BinaryReader r, int count)
    {
        var bytes = r.ReadBytes(count * 4);
        if (bytes.Length != count * 4) throw new EndOfStreamException();
        var values = new float[count];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    internal static string Describe(object provenance) => JsonSerializer.Serialize(provenance, Json.Line);
}
