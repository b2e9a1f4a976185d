using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Agents;

/// <summary>
/// Middleware that records every call as an OpenTelemetry span and metrics following the GenAI semantic
/// conventions, with <see cref="ActivitySource"/> and <see cref="Meter"/> (no OpenTelemetry package needed: an
/// OpenTelemetry SDK, or any listener, subscribes to the source name).
/// </summary>
/// <remarks>
/// <para>
/// Span <c>chat {model}</c> (kind client) with <c>gen_ai.operation.name</c>, <c>gen_ai.provider.name</c>,
/// <c>gen_ai.request.*</c>, <c>gen_ai.response.*</c>, <c>gen_ai.usage.*</c>, <c>server.address</c>/<c>server.port</c> (from
/// <see cref="GeneratorMetadata.Endpoint"/>) and, on failure, <c>error.type</c>. An OpenAI-protocol backend on an Azure
/// OpenAI host is named <c>azure.ai.openai</c>.
/// Metrics: <c>gen_ai.client.operation.duration</c> (s), <c>gen_ai.client.token.usage</c> ({token}, by
/// <c>gen_ai.token.type</c>), <c>gen_ai.client.inference.usage.cache_read.input_tokens</c> ({token}) and, for
/// streams, <c>gen_ai.client.operation.time_to_first_chunk</c> (s), measured to the first update that carries text
/// or tool calls.
/// </para>
/// <para>Message content (<c>gen_ai.input.messages</c>, <c>gen_ai.output.messages</c>) is recorded only when <see cref="EnableSensitiveData"/> is on.</para>
/// </remarks>
public sealed class OpenTelemetryGenerator : DelegatingGenerator
{
    /// <summary>The <see cref="ActivitySource"/> and <see cref="Meter"/> name used when none is given.</summary>
    public const string DefaultSourceName = "Agents";

    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    private static readonly int[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    private readonly ActivitySource _activitySource;
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _operationDuration;
    private readonly Histogram<int> _tokenUsage;
    private readonly Counter<long> _cacheReadInputTokens;
    private readonly Histogram<double> _timeToFirstChunk;
    private readonly TimeProvider _timeProvider;
    private readonly string? _providerName;
    private readonly string? _defaultModelId;
    private readonly string? _serverAddress;
    private readonly int? _serverPort;

    /// <summary>Wraps <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator calls pass to.</param>
    /// <param name="sourceName">The name of the activity source and meter; <see cref="DefaultSourceName"/> when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the meter (as dependency injection does); when <see langword="null"/> the meter is created and owned here.</param>
    /// <param name="timeProvider">Measures durations; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is <see langword="null"/>.</exception>
    public OpenTelemetryGenerator(
        IGenerator innerGenerator, string? sourceName = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
        : base(innerGenerator)
    {
        var name = string.IsNullOrEmpty(sourceName) ? DefaultSourceName : sourceName;
        _activitySource = new ActivitySource(name);
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(name) ?? new Meter(name);
        _timeProvider = timeProvider ?? TimeProvider.System;

        _operationDuration = _meter.CreateHistogram(
            GenAiNames.OperationDurationMetric, "s", "GenAI operation duration.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _tokenUsage = _meter.CreateHistogram(
            GenAiNames.TokenUsageMetric, "{token}", "Number of input and output tokens used.",
            tags: null, advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = TokenBuckets });
        _cacheReadInputTokens = _meter.CreateCounter<long>(
            GenAiNames.CacheReadInputTokensMetric, "{token}", "The number of input tokens served from a prompt or prefix cache.");
        _timeToFirstChunk = _meter.CreateHistogram(
            GenAiNames.TimeToFirstChunkMetric, "s", "Time from the request to the first chunk of a streamed response.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

        // The backend does not change under a built pipeline, so its description is read once.
        var metadata = innerGenerator.GetService<GeneratorMetadata>();
        _providerName = GenAiProviderNames.Resolve(metadata?.ProviderName, metadata?.Endpoint);
        _defaultModelId = metadata?.ModelId;
        if (metadata?.Endpoint is { IsAbsoluteUri: true } endpoint && !string.IsNullOrEmpty(endpoint.Host))
        {
            // Uri.Port is the scheme's default port when the endpoint names none, which is the port actually used.
            _serverAddress = endpoint.Host;
            _serverPort = endpoint.Port >= 0 ? endpoint.Port : null;
        }
    }

    /// <summary>Gets or sets whether message content is recorded on spans (<c>gen_ai.input.messages</c>, <c>gen_ai.output.messages</c>).</summary>
    /// <value><see langword="false"/> by default: prompts and completions may hold personal or secret data.</value>
    public bool EnableSensitiveData { get; set; }

    /// <summary>Gets the name of the activity source and meter.</summary>
    public string SourceName => _activitySource.Name;

    /// <inheritdoc/>
    public override async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsObserved)
        {
            return await InnerGenerator.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        }

        using var call = StartCall(request, streaming: false);
        try
        {
            var result = await InnerGenerator.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
            call.Complete(result.FinishReason, result.Usage, result.ModelId, result.ResponseId, result.Message);
            return result;
        }
        catch (Exception ex)
        {
            call.Fail(ex);
            throw;
        }
    }

    /// <inheritdoc/>
    public override IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return IsObserved ? StreamCoreAsync(request, cancellationToken) : InnerGenerator.StreamAsync(request, cancellationToken);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _activitySource.Dispose();
            if (_ownsMeter)
            {
                _meter.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>Whether anyone listens; when nobody does, calls pass straight through at no cost.</summary>
    private bool IsObserved =>
        _activitySource.HasListeners()
        || _operationDuration.Enabled
        || _tokenUsage.Enabled
        || _cacheReadInputTokens.Enabled
        || _timeToFirstChunk.Enabled;

    private async IAsyncEnumerable<GenerationUpdate> StreamCoreAsync(
        GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Started inside the iterator so the span covers the enumeration, not the call that created the stream.
        using var call = StartCall(request, streaming: true);
        await foreach (var update in ObservedStream.ObserveAsync(ct => InnerGenerator.StreamAsync(request, ct), call, cancellationToken)
            .ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private TelemetryCall StartCall(GenerationRequest request, bool streaming)
    {
        var requestModel = request.Options?.ModelId ?? _defaultModelId;
        var activity = _activitySource.HasListeners()
            ? _activitySource.StartActivity(requestModel is null ? GenAiNames.ChatOperation : $"{GenAiNames.ChatOperation} {requestModel}", ActivityKind.Client)
            : null;
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(GenAiNames.OperationName, GenAiNames.ChatOperation);
            activity.SetTag(GenAiNames.ProviderName, _providerName);
            activity.SetTag(GenAiNames.RequestModel, requestModel);
            activity.SetTag(GenAiNames.RequestStream, streaming);
            activity.SetTag(GenAiNames.ServerAddress, _serverAddress);
            activity.SetTag(GenAiNames.ServerPort, _serverPort);
            if (request.Options is { } options)
            {
                SetRequestOptionTags(activity, options);
            }

            if (EnableSensitiveData)
            {
                activity.SetTag(GenAiNames.InputMessages, GenAiMessageFormatter.FormatInput(request.Messages));
            }
        }

        return new TelemetryCall(this, activity, requestModel, _timeProvider.GetTimestamp());
    }

    private static void SetRequestOptionTags(Activity activity, GenerationOptions options)
    {
        if (options.MaxTokens is { } maxTokens)
        {
            activity.SetTag(GenAiNames.RequestMaxTokens, maxTokens);
        }

        if (options.Temperature is { } temperature)
        {
            activity.SetTag(GenAiNames.RequestTemperature, (double)temperature);
        }

        if (options.TopP is { } topP)
        {
            activity.SetTag(GenAiNames.RequestTopP, (double)topP);
        }

        if (options.TopK is { } topK)
        {
            activity.SetTag(GenAiNames.RequestTopK, (double)topK);
        }

        if (options.Seed is { } seed)
        {
            activity.SetTag(GenAiNames.RequestSeed, seed);
        }

        if (options.FrequencyPenalty is { } frequencyPenalty)
        {
            activity.SetTag(GenAiNames.RequestFrequencyPenalty, (double)frequencyPenalty);
        }

        if (options.PresencePenalty is { } presencePenalty)
        {
            activity.SetTag(GenAiNames.RequestPresencePenalty, (double)presencePenalty);
        }

        if (options.StopSequences is { Count: > 0 } stops)
        {
            activity.SetTag(GenAiNames.RequestStopSequences, stops.ToArray());
        }
    }

    /// <summary>The span and measurements of one call; one instance per call, so nothing is shared between calls.</summary>
    private sealed class TelemetryCall(OpenTelemetryGenerator owner, Activity? activity, string? requestModel, long started)
        : IGenerationObserver, IDisposable
    {
        private bool _firstChunkSeen;
        private FinishReason? _finishReason;
        private Usage? _usage;
        private string? _modelId;
        private string? _responseId;
        private GenerationResultAccumulator? _content;

        public void OnUpdate(GenerationUpdate update)
        {
            if (!_firstChunkSeen && (update.Text.Length > 0 || update.ToolCalls.Count > 0))
            {
                _firstChunkSeen = true;
                var seconds = owner._timeProvider.GetElapsedTime(started).TotalSeconds;
                activity?.SetTag(GenAiNames.ResponseTimeToFirstChunk, seconds);
                if (owner._timeToFirstChunk.Enabled)
                {
                    owner._timeToFirstChunk.Record(seconds, MetricTags(update.ModelId, error: null));
                }
            }

            _finishReason = update.FinishReason ?? _finishReason;
            _usage = update.Usage ?? _usage;
            _modelId = update.ModelId ?? _modelId;
            _responseId = update.ResponseId ?? _responseId;
            if (owner.EnableSensitiveData && activity is not null)
            {
                (_content ??= new GenerationResultAccumulator()).Add(update);
            }
        }

        public void OnCompleted() =>
            Complete(_finishReason, _usage, _modelId, _responseId, _content?.Build().Message ?? Message.Assistant(string.Empty));

        public void OnFailed(Exception exception, bool cancelled) => Fail(exception);

        public void OnAbandoned() => RecordDuration(error: null);

        public void Complete(FinishReason? finishReason, Usage? usage, string? responseModel, string? responseId, Message output)
        {
            if (activity is { IsAllDataRequested: true })
            {
                activity.SetTag(GenAiNames.ResponseModel, responseModel);
                activity.SetTag(GenAiNames.ResponseId, responseId);
                if (finishReason is { } reason)
                {
                    activity.SetTag(GenAiNames.ResponseFinishReasons, new[] { GenAiNames.ToWireName(reason) });
                }

                if (usage is not null)
                {
                    activity.SetTag(GenAiNames.UsageInputTokens, usage.PromptTokens);
                    activity.SetTag(GenAiNames.UsageOutputTokens, usage.CompletionTokens);
                    activity.SetTag(GenAiNames.UsageCacheReadInputTokens, usage.CachedPromptTokens);
                    if (usage.CacheWritePromptTokens > 0)
                    {
                        activity.SetTag(GenAiNames.UsageCacheCreationInputTokens, usage.CacheWritePromptTokens);
                    }
                }

                if (owner.EnableSensitiveData)
                {
                    activity.SetTag(GenAiNames.OutputMessages, GenAiMessageFormatter.FormatOutput(output, finishReason));
                }
            }

            if (usage is not null)
            {
                if (owner._tokenUsage.Enabled)
                {
                    var tags = MetricTags(responseModel, error: null);
                    tags.Add(GenAiNames.TokenType, "input");
                    owner._tokenUsage.Record(usage.PromptTokens, tags);
                    tags = MetricTags(responseModel, error: null);
                    tags.Add(GenAiNames.TokenType, "output");
                    owner._tokenUsage.Record(usage.CompletionTokens, tags);
                }

                if (owner._cacheReadInputTokens.Enabled)
                {
                    owner._cacheReadInputTokens.Add(usage.CachedPromptTokens, MetricTags(responseModel, error: null));
                }
            }

            _modelId = responseModel;
            RecordDuration(error: null);
        }

        public void Fail(Exception exception)
        {
            var errorType = exception.GetType().FullName ?? exception.GetType().Name;
            if (activity is not null)
            {
                activity.SetTag(GenAiNames.ErrorType, errorType);
                activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            }

            RecordDuration(errorType);
        }

        public void Dispose() => activity?.Dispose();

        private void RecordDuration(string? error)
        {
            if (owner._operationDuration.Enabled)
            {
                owner._operationDuration.Record(owner._timeProvider.GetElapsedTime(started).TotalSeconds, MetricTags(_modelId, error));
            }
        }

        private TagList MetricTags(string? responseModel, string? error)
        {
            var tags = new TagList
            {
                { GenAiNames.OperationName, GenAiNames.ChatOperation },
                { GenAiNames.ProviderName, owner._providerName },
                { GenAiNames.RequestModel, requestModel },
            };
            if (owner._serverAddress is not null)
            {
                tags.Add(GenAiNames.ServerAddress, owner._serverAddress);
                tags.Add(GenAiNames.ServerPort, owner._serverPort);
            }
            if (responseModel is not null)
            {
                tags.Add(GenAiNames.ResponseModel, responseModel);
            }

            if (error is not null)
            {
                tags.Add(GenAiNames.ErrorType, error);
            }

            return tags;
        }
    }
}
