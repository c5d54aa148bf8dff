namespace Reef.Client.Tests;

public sealed class ComparisonTextTests
{
    [Fact]
    public void PValuesBeyondWhatTheNullSupportsPrintAsABound()
    {
        Assert.Equal("< 1e-16", ComparisonText.PValue(-601.3));   // a permuted copy: the normal tail extrapolated, not a rate
        Assert.Equal("< 1e-16", ComparisonText.PValue(-16.5));
        Assert.Equal("2.5e-16", ComparisonText.PValue(Math.Log10(2.5e-16)));
        Assert.Equal("2.8e-3", ComparisonText.PValue(Math.Log10(0.0028)));
        Assert.Equal("—", ComparisonText.PValue(null));
    }
}
