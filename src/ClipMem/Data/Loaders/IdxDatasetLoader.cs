namespace ClipMem.Data.Loaders;

/// <summary>
/// An image + label pair of IDX files (MNIST, Fashion-MNIST) as a caption dataset. The pixel bytes are held
/// once (47 MB for MNIST's training set); each sample converts its own 28x28 slice to float RGB when loaded.
/// </summary>
public static class IdxDatasetLoader
{
    public static CaptionDataset Load(string imagesPath, string labelsPath, IdxDatasetSpec spec, IdxSplit split, int? maxCount = null)
    {
        var images = IdxFile.Read(imagesPath, IdxFile.ImagesMagic);
        var labels = IdxFile.Read(labelsPath, IdxFile.LabelsMagic);
        if (images.Dimensions.Length != 3)
            throw new DataFormatException(imagesPath, null, $"image file has {images.Dimensions.Length} dimensions, expected 3 (count, rows, columns)");
        if (labels.Dimensions.Length != 1)
            throw new DataFormatException(labelsPath, null, $"label file has {labels.Dimensions.Length} dimensions, expected 1");
        if (images.Count != labels.Count)
            throw new DataFormatException(imagesPath, null,
                $"holds {images.Count:N0} images but the label file {labelsPath} holds {labels.Count:N0} labels; the two files must describe the same samples");

        int count = Math.Min(images.Count, maxCount ?? int.MaxValue);
        string splitName = split == IdxSplit.Train ? "train" : "test";
        int rows = images.Dimensions[1], columns = images.Dimensions[2];
        var samples = new Sample[count];
        for (int i = 0; i < count; i++)
        {
            var id = new SampleId($"{spec.Name}-{splitName}-{i:D5}");
            int label = labels.Values[i];
            if (label >= spec.ClassNames.Count)
                throw new DataFormatException(labelsPath, id, $"label {label} is outside the {spec.ClassNames.Count} classes of {spec.Name}");
            int index = i;
            var image = new GeneratedImageSource($"{imagesPath}[{i}]", () => Grayscale(images.Values, index, rows, columns));
            samples[i] = new Sample(id, image, spec.CaptionsFor(label), [spec.ClassNames[label]], GroundTruth.Typical);
        }
        return new CaptionDataset(spec.Name, imagesPath, samples);
    }

    /// <summary>A folder with the standard file names (train-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz], ...).</summary>
    public static CaptionDataset LoadFolder(string folder, IdxDatasetSpec spec, IdxSplit split, int? maxCount = null)
    {
        var (images, labels) = FindSplitFiles(folder, split);
        return Load(images, labels, spec, split, maxCount);
    }

    public static (string Images, string Labels) FindSplitFiles(string folder, IdxSplit split)
    {
        string prefix = split == IdxSplit.Train ? "train" : "t10k";
        return (Find(folder, $"{prefix}-images-idx3-ubyte"), Find(folder, $"{prefix}-labels-idx1-ubyte"));
    }

    private static string Find(string folder, string baseName)
    {
        foreach (string candidate in new[] { baseName, baseName + ".gz" })
        {
            string path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        throw new DataFormatException(folder, null, $"no {baseName} or {baseName}.gz in the folder");
    }

    /// <summary>One channel replicated to three, so IDX images enter the same RGB pipeline as photographs.</summary>
    private static RgbImage Grayscale(byte[] values, int index, int rows, int columns)
    {
        int plane = rows * columns;
        var pixels = new float[3 * plane];
        var source = values.AsSpan(index * plane, plane);
        for (int p = 0; p < plane; p++)
        {
            float v = source[p] / 255f;
            pixels[p] = v;
            pixels[plane + p] = v;
            pixels[2 * plane + p] = v;
        }
        return new RgbImage(columns, rows, pixels);
    }
}
