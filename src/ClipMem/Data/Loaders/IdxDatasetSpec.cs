using System.Globalization;

namespace ClipMem.Data.Loaders;

public enum IdxSplit { Train, Test }

/// <summary>
/// What an IDX dataset's integer labels mean and how to caption them. IDX datasets carry a class per image
/// and no text, so each image gets one caption per template (a multi-caption sample, like COCO's five),
/// filled with the lower-cased class name; the label keeps the dataset's official class name.
/// </summary>
public sealed record IdxDatasetSpec(string Name, IReadOnlyList<string> ClassNames, IReadOnlyList<string> CaptionTemplates)
{
    /// <summary>
    /// MNIST with digits spelt as words ("seven", not "7"): the caption text then differs between classes
    /// by whole words, which a small tokenizer trained on captions separates more easily than single digits.
    /// </summary>
    public static IdxDatasetSpec Mnist { get; } = new("mnist",
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
        [
            "a handwritten digit {0}.",
            "the number {0}.",
            "a photo of the number {0}.",
            "a black and white picture of the digit {0}.",
            "a handwritten {0} on a black background.",
        ]);

    /// <summary>Fashion-MNIST's official class names (Zalando's README), label 0 to 9.</summary>
    public static IdxDatasetSpec FashionMnist { get; } = new("fashion-mnist",
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        [
            // "the {0}" rather than "a {0}": no article to get wrong before "ankle boot".
            "a photo of the {0}.",
            "the {0}.",
            "a black and white picture of the {0}.",
            "a low resolution photo of the {0}.",
            "a product photo of the {0} on a dark background.",
        ]);

    public IReadOnlyList<string> CaptionsFor(int label)
    {
        string className = ClassNames[label].ToLowerInvariant();
        return CaptionTemplates.Select(t => string.Format(CultureInfo.InvariantCulture, t, className)).ToArray();
    }
}
