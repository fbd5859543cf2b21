using ClipMem.Reporting;

namespace ClipMem.Tests.Reporting;

public class ReportTableTests
{
    private static readonly ReportTable Table = ReportTable.Labelled(["measure", "value"],
        [[Cell.Of("AUROC"), Cell.Signed(0.5)], [Cell.Of("a longer <name>"), Cell.Signed(-12.25)]]);

    [Fact]
    public void TextAlignsLabelsLeftAndNumbersRight()
    {
        Assert.Equal(
            "  measure            value\n" +
            "  AUROC             +0.500\n" +
            "  a longer <name>  -12.250\n",
            Table.ToText().Replace("\r\n", "\n"));
    }

    [Fact]
    public void HtmlEncodesTextAndOnlyASortableTableCarriesSortKeysAndItsScript()
    {
        string plain = Table.ToHtml();
        Assert.Contains("<td class=\"t\">a longer &lt;name&gt;</td><td>-12.250</td>", plain);
        Assert.DoesNotContain("data-v", plain);
        Assert.DoesNotContain("<script", plain);

        string sortable = Table.ToHtml(sortable: true);
        Assert.Contains("data-v=\"-12.25\">-12.250</td>", sortable);
        Assert.Contains("<th class=\"sortable t\" title=\"sort\">measure</th>", sortable);
        Assert.Contains("<script>", sortable);
    }

    [Fact]
    public void ATableCutShortSaysHowManyRowsItShows()
    {
        var cut = Table with { TotalRows = 5 };
        Assert.Contains("2 of 5 rows shown", cut.ToHtml());
        Assert.Contains("(2 of 5 rows shown)", cut.ToText());
    }
}
