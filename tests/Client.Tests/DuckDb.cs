using DuckDB.NET.Data;

namespace Reef.Client.Tests;

/// <summary>DuckDB in-process: reads the scan's Parquet tables as pandas or an analyst's SQL would, with another Parquet reader than ours.</summary>
static class DuckDb
{
    /// <summary>The first column of the first row of <paramref name="sql"/>, as a long.</summary>
    public static long Scalar(string sql) => Convert.ToInt64(Value(sql));

    /// <summary>The first column of the first row of <paramref name="sql"/>, as a double.</summary>
    public static double Number(string sql) => Convert.ToDouble(Value(sql));

    static object? Value(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
