using System.Text;

namespace ClipMem.Data.Loaders;

/// <summary>One record of a delimited text file, with the physical line it starts on (for error messages).</summary>
internal readonly record struct DelimitedRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// Reads CSV/TSV records the way pandas.read_csv does by default (open_clip's CsvDataset uses it): a field
/// that starts with a double quote is quoted, may hold separators and line breaks, and writes a quote as
/// two quotes (RFC 4180); any other field runs to the next separator verbatim. Blank lines are skipped.
/// <para>
/// Hand-written on purpose. CsvHelper 33, tried on the same inputs, either rejects a quote inside an
/// unquoted field (valid for pandas) or, with bad data ignored, reads an unclosed quote to the end of the file
/// as one field without a word; and it counts a record by the line it ends on. Both would cost the error that
/// names the line a bad record starts on.
/// </para>
/// </summary>
internal sealed class DelimitedRecordReader(TextReader reader, char separator, string file)
{
    /// <summary>
    /// Longer than any caption table's line (a caption is a sentence); a longer one is a broken file, and reading
    /// it whole would let one bad line take all memory.
    /// </summary>
    public const int MaxRecordChars = 1 << 20;

    private readonly char[] _buffer = new char[1 << 16];
    private int _start, _end;
    private int _line;

    public IEnumerable<DelimitedRecord> ReadAll()
    {
        while (ReadLine() is { } text)
        {
            if (text.Length == 0) continue;
            yield return ReadRecord(text);
        }
    }

    private DelimitedRecord ReadRecord(string text)
    {
        int startLine = _line;
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            if (i < text.Length && text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i == text.Length)
                    {
                        // The quoted field continues on the next physical line.
                        text = ReadLine() ?? throw new DataFormatException(file, null,
                            $"line {startLine}: quoted field is never closed (no matching '\"' before the end of the file)");
                        field.Append('\n');
                        if (field.Length + text.Length > MaxRecordChars)
                            throw new DataFormatException(file, null,
                                $"line {startLine}: quoted field runs on past {MaxRecordChars:N0} characters (to line {_line}); is a closing quote missing?");
                        i = 0;
                        continue;
                    }
                    char c = text[i++];
                    if (c != '"') field.Append(c);
                    else if (i < text.Length && text[i] == '"') { field.Append('"'); i++; }
                    else break;
                }
                if (i < text.Length && text[i] != separator)
                    throw new DataFormatException(file, null,
                        $"line {_line}: unexpected character '{text[i]}' after a closing quote; a quote inside a quoted field is written as two quotes");
            }
            else
            {
                int end = text.IndexOf(separator, i);
                if (end < 0) end = text.Length;
                field.Append(text, i, end - i);
                i = end;
            }

            fields.Add(field.ToString());
            field.Clear();
            if (i >= text.Length) return new DelimitedRecord(startLine, fields);
            i++; // past the separator
        }
    }

    /// <summary>The next physical line without its line break (\n, \r\n or \r), or null at the end; counts lines, refuses one longer than <see cref="MaxRecordChars"/>.</summary>
    private string? ReadLine()
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = reader.Read(_buffer, 0, _buffer.Length);
                if (_end == 0) return line.Length > 0 ? Finish(line) : null;
            }
            int found = _buffer.AsSpan(_start, _end - _start).IndexOfAny('\n', '\r');
            int stop = found < 0 ? -1 : _start + found;
            int end = stop < 0 ? _end : stop;
            if (line.Length + (end - _start) > MaxRecordChars)
                throw new DataFormatException(file, null, $"line {_line + 1} is longer than the limit of {MaxRecordChars:N0} characters (a line break missing, or not a caption table)");
            line.Append(_buffer, _start, end - _start);
            _start = end;
            if (stop < 0) continue;
            _start++;
            if (_buffer[stop] == '\r')
            {
                if (_start == _end) { _start = 0; _end = reader.Read(_buffer, 0, _buffer.Length); }
                if (_start < _end && _buffer[_start] == '\n') _start++;
            }
            return Finish(line);
        }
    }

    private string Finish(StringBuilder line)
    {
        _line++;
        return line.ToString();
    }
}
