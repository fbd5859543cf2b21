namespace ClipMem.Data.Text;

/// <summary>
/// One learned merge: the adjacent tokens <see cref="Left"/> and <see cref="Right"/> become the token
/// Left + Right. Written as "Left Right", the line format of CLIP's merges file (token strings never
/// contain a space: the space byte is the symbol 'Ġ').
/// </summary>
public readonly record struct BpeMerge(string Left, string Right)
{
    public string Merged => Left + Right;

    public override string ToString() => $"{Left} {Right}";

    /// <summary>Reads "left right"; returns false for anything else.</summary>
    public static bool TryParse(string line, out BpeMerge merge)
    {
        merge = default;
        int space = line.IndexOf(' ');
        if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0) return false;
        merge = new BpeMerge(line[..space], line[(space + 1)..]);
        return true;
    }
}
