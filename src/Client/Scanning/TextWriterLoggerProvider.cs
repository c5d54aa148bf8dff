using Microsoft.Extensions.Logging;

namespace Reef.Client.Scanning;

/// <summary>Log lines to a writer (the command's stderr), one per message: "level category: message".</summary>
public sealed class TextWriterLoggerProvider(TextWriter writer) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(writer, categoryName);

    public void Dispose() { }

    sealed class Logger(TextWriter writer, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (writer) writer.WriteLine($"{logLevel.ToString().ToLowerInvariant()} {category}: {formatter(state, exception)}");
        }
    }
}
