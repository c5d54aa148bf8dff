namespace Reef.TestSupport;

/// <summary>
/// Test categories. <c>[Trait(Category.Name, Category.Slow)]</c> marks what the quick loop (<c>scripts/test.sh --quick</c>)
/// leaves out: tests that build the quick zoo, start real servers (redis-server, Prometheus, silo processes,
/// Chromium), or run for more than a few seconds. The whole suite, CI's, runs everything.
/// </summary>
public static class Category
{
    public const string Name = "Category";
    public const string Slow = "Slow";
}
