using Agents.Backends.Llama.KvCache;

namespace Agents.Backends.Llama.Tests.KvCache;

public sealed class KvCellLedgerTests
{
    private const int s_first = 0;
    private const int s_second = 1;

    [Fact]
    public void CopiedPrefix_SharesCells_UntilEverySequenceHoldingThemIsCleared()
    {
        var ledger = new KvCellLedger(100);
        ledger.Append(s_first, 40);
        ledger.Copy(s_first, s_second, 30);
        ledger.Append(s_second, 5);

        Assert.Equal(55, ledger.FreeCells);
        Assert.Equal(35, ledger.LengthOf(s_second));
        Assert.Equal(45, ledger.CountDistinct([s_first, s_second]));

        ledger.Clear(s_first);
        Assert.Equal(65, ledger.FreeCells);

        ledger.Clear(s_second);
        Assert.Equal(100, ledger.FreeCells);
    }

    [Fact]
    public void Truncate_FreesOnlyCellsNoOtherSequenceHolds()
    {
        var ledger = new KvCellLedger(50);
        ledger.Append(s_first, 20);
        ledger.Copy(s_first, s_second, 20);

        ledger.Truncate(s_first, 5);

        Assert.Equal(30, ledger.FreeCells);
        Assert.Equal(5, ledger.LengthOf(s_first));
        ledger.Truncate(s_second, 10);
        Assert.Equal(40, ledger.FreeCells);
    }

    [Fact]
    public void Append_BeyondTheFreeCells_Throws()
    {
        var ledger = new KvCellLedger(10);
        ledger.Append(s_first, 8);

        Assert.Throws<InvalidOperationException>(() => ledger.Append(s_second, 3));
        Assert.Equal(2, ledger.FreeCells);
    }
}
