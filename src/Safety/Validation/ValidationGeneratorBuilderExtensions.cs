using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agents.Safety.Validation;

/// <summary>Adds <see cref="ValidationGenerator"/> to a pipeline.</summary>
public static class ValidationGeneratorBuilderExtensions
{
    /// <summary>Checks every answer that passes this point with the validators <paramref name="configure"/> adds, each with its policy.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="configure">Adds validators (<see cref="ValidationOptions.Add"/>) and sets the options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid (checked here, once); the message lists every problem.</exception>
    /// <example>
    /// <code>
    /// builder.UseValidation(v => v
    ///     .Add(new PiiOutputValidator(), ValidationPolicy.Redact)
    ///     .Add(JsonSchemaOutputValidator.FromText(schemaJson), ValidationPolicy.Repair));
    /// </code>
    /// </example>
    public static GeneratorBuilder UseValidation(this GeneratorBuilder builder, Action<ValidationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ValidationOptions();
        configure(options);
        options.Validate();
        return builder.Use((inner, services) =>
        {
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger<ValidationGenerator>();
            return new ValidationGenerator(inner, options, logger, services.GetService<IMeterFactory>());
        });
    }
}
