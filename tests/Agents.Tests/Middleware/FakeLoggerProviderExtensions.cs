using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Agents.Tests.Middleware;

internal static class FakeLoggerProviderExtensions
{
    public static ILoggerFactory AsFactory(this FakeLoggerProvider provider) =>
        LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(provider));
}
