namespace ClipMem.Reporting;

/// <summary>A titled set of gallery tiles: what a report section or a notebook cell shows.</summary>
public sealed record Gallery(string Title, IReadOnlyList<GalleryItem> Items, string? Note = null)
{
    public string ToHtml() => SampleGallery.Section(Title, Items, Note);
}
