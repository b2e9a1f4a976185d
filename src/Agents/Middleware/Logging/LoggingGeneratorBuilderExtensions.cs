using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents;

/// <summary>Adds <see cref="LoggingGenerator"/> to a pipeline.</summary>
public static class LoggingGeneratorBuilderExtensions
{
    /// <summary>Logs every call that passes this point of the pipeline.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="loggerFactory">
    /// Makes the logger; when <see langword="null"/>, the <see cref="ILoggerFactory"/> of the services the pipeline is
    /// built with, or no logging at all if there is none.
    /// </param>
    /// <param name="configure">Configures the middleware, e.g. sets <see cref="LoggingGenerator.EnableSensitiveData"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static GeneratorBuilder UseLogging(
        this GeneratorBuilder builder, ILoggerFactory? loggerFactory = null, Action<LoggingGenerator>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var factory = loggerFactory ?? services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            var generator = new LoggingGenerator(
                inner, factory.CreateLogger<LoggingGenerator>(), services.GetService<TimeProvider>());
            configure?.Invoke(generator);
            return generator;
        });
    }
}
