using System.Net;

namespace ClipMem.Reporting;

/// <summary>
/// The one stylesheet and page shell of every view. Styles are scoped under <c>.clipmem</c>, so a view
/// shown in a notebook cell never restyles the host page and looks the same in a report, in VS Code and in
/// the rendered notebook page.
/// </summary>
public static class HtmlView
{
    public const string Css = """
        .clipmem { font-family: system-ui, sans-serif; font-size: 13px; color: #222; }
        .clipmem .note { color: #555; max-width: 60em; }
        .clipmem h2 { font-size: 1.15em; margin-top: 1.2em; } .clipmem h3 { font-size: 1.05em; }
        .clipmem table { border-collapse: collapse; margin: 4px 0; }
        .clipmem td, .clipmem th { border: 1px solid #ccc; padding: 2px 8px; text-align: right; white-space: nowrap; }
        .clipmem th { background: #eee; } .clipmem td.t, .clipmem th.t { text-align: left; }
        .clipmem th.sortable { cursor: pointer; user-select: none; } .clipmem th.sortable:hover { background: #ddd; }
        .clipmem .gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 10px; }
        .clipmem .tile { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 8px; font-size: 12px; }
        .clipmem .tile img { width: 128px; height: 128px; image-rendering: pixelated; display: block; margin: 0 auto 6px; border: 1px solid #ccc; object-fit: contain; }
        .clipmem .tile .id { font-family: monospace; font-weight: 600; overflow-wrap: anywhere; }
        .clipmem .tile ol { margin: 4px 0 0 1.3em; padding: 0; }
        .clipmem .badge { display: inline-block; border-radius: 3px; padding: 0 5px; margin: 2px 2px 0 0; font-size: 11px; background: #e8e8e8; }
        .clipmem .badge.split { background: #dbe8ff; } .clipmem .badge.mis { background: #ffd6d6; } .clipmem .badge.aty { background: #fff0c2; }
        .clipmem .badge.score { background: #d9f2dd; }
        .clipmem .bar { display: inline-block; width: 140px; height: 10px; background: #e6e6e6; border-radius: 5px; vertical-align: middle; overflow: hidden; }
        .clipmem .bar div { height: 100%; background: #2ca02c; }
        """;

    /// <summary>A view as one notebook output: its HTML under the scoped stylesheet.</summary>
    public static string Scoped(string inner) => $"<div class=\"clipmem\"><style>{Css}</style>{inner}</div>";

    /// <summary>A whole offline page (reports, data previews): the stylesheet once, the body in the scope.</summary>
    public static string Page(string title, string body, string? subtitle = null) =>
        $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>{{Encode(title)}}</title>
        <style>body { margin: 1.5em; background: #fafafa; } h1 { font-size: 1.5em; font-family: system-ui, sans-serif; }
        {{Css}}</style></head>
        <body><main class="clipmem"><h1>{{Encode(title)}}</h1>{{(subtitle is null ? "" : $"<p class=\"note\">{Encode(subtitle)}</p>")}}
        {{body}}
        </main></body></html>
        """;

    public static string Encode(string text) => WebUtility.HtmlEncode(text);
}
