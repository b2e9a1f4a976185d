using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Agents;

/// <summary>Adds <see cref="OpenTelemetryGenerator"/> to a pipeline.</summary>
public static class OpenTelemetryGeneratorBuilderExtensions
{
    /// <summary>Records spans and metrics, following the OpenTelemetry GenAI semantic conventions, for every call passing this point.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="sourceName">
    /// The activity source and meter name to subscribe to (<c>AddSource</c>/<c>AddMeter</c>);
    /// <see cref="OpenTelemetryGenerator.DefaultSourceName"/> when <see langword="null"/>.
    /// </param>
    /// <param name="configure">Configures the middleware, e.g. sets <see cref="OpenTelemetryGenerator.EnableSensitiveData"/>.</param>
    /// <returns>The builder.</returns>
    /// <remarks>The meter comes from the services' <see cref="IMeterFactory"/> when one is registered, and time from their <see cref="TimeProvider"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static GeneratorBuilder UseOpenTelemetry(
        this GeneratorBuilder builder, string? sourceName = null, Action<OpenTelemetryGenerator>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var generator = new OpenTelemetryGenerator(
                inner, sourceName, services.GetService<IMeterFactory>(), services.GetService<TimeProvider>());
            configure?.Invoke(generator);
            return generator;
        });
    }
}
