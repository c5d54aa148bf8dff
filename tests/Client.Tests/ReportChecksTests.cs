using Reef.TestSupport;

namespace Reef.Client.Tests;

public sealed class ReportChecksTests
{
    [Fact]
    public void FindsEveryKindOfOutsideReferenceAndAcceptsInlineData()
    {
        Assert.Empty(ReportChecks.ExternalReferences("""<img src="data:image/png;base64,AAAA"><a href="#families">x</a><div style="background:url(data:x)">"""));
        Assert.NotEmpty(ReportChecks.ExternalReferences("""<img src="https://cdn.example.com/a.png">"""));
        Assert.NotEmpty(ReportChecks.ExternalReferences("""<img src="plot.png">"""));
        Assert.NotEmpty(ReportChecks.ExternalReferences("""<link rel="stylesheet" href="style.css">"""));
        Assert.NotEmpty(ReportChecks.ExternalReferences("""<style>body{background:url('bg.png')}</style>"""));
        Assert.NotEmpty(ReportChecks.ExternalReferences("""<style>@import "fonts.css";</style>"""));
        Assert.NotEmpty(ReportChecks.ExternalReferences("""<script>1</script>"""));
    }
}
