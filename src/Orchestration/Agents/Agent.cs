using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Orchestration;

/// <summary>
/// A tool-using agent over any <see cref="IGenerator"/>: it sends its instructions, the conversation and its tools to
/// the generator, runs the tools the model calls (validated, allow-listed, confirmed, time-limited, guarded), feeds
/// the results back, and repeats until the model answers without calling tools or <see cref="AgentOptions.MaxSteps"/>
/// is reached.
/// </summary>
/// <remarks>
/// The agent holds no conversation state: each run takes the conversation and returns it completed, so one agent
/// serves many conversations concurrently. It works against the <see cref="IGenerator"/> contract only: hosted backends
/// call tools natively; the local backend through grammar-constrained tool-call JSON.
/// </remarks>
public sealed class Agent : IAgent
{
    private readonly AgentOptions _options;
    private readonly ILogger _logger;
    private readonly ToolExecutor _executor;
    private readonly List<ToolDefinition> _offeredTools;

    /// <summary>Creates an agent.</summary>
    /// <param name="generator">The generator the agent thinks with (any backend, with any middleware).</param>
    /// <param name="options">What the agent is; copied and validated.</param>
    /// <param name="loggerFactory">Where the agent logs (tool failures, refusals, limits), or <see langword="null"/> for nowhere.</param>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public Agent(IGenerator generator, AgentOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _options.Validate();
        Generator = generator;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<Agent>();
        _executor = new ToolExecutor(_options, _logger);
        _offeredTools = [.. _options.Tools.Where(_executor.IsAllowed).Select(t => t.Definition)];
        Tools = [.. _options.Tools];
    }

    /// <inheritdoc/>
    public string Name => _options.Name;

    /// <inheritdoc/>
    public string? Description => _options.Description;

    /// <summary>Gets the instructions sent as the system message.</summary>
    public string? Instructions => _options.Instructions;

    /// <summary>Gets the agent's tools (allowed or not).</summary>
    public IReadOnlyList<AgentTool> Tools { get; }

    /// <summary>Gets the generator the agent runs on.</summary>
    public IGenerator Generator { get; }

    /// <summary>Answers a single user message.</summary>
    /// <param name="input">The user's message.</param>
    /// <param name="cancellationToken">Cancels the run; it then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The answer and the conversation it completes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is <see langword="null"/>.</exception>
    /// <exception cref="MaxStepsExceededException">The model kept calling tools for <see cref="AgentOptions.MaxSteps"/> steps.</exception>
    /// <exception cref="GeneratorException">The generator failed.</exception>
    public Task<AgentRunResult> RunAsync(string input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return RunAsync([Message.User(input)], cancellationToken);
    }

    /// <inheritdoc/>
    public Task<AgentRunResult> RunAsync(IReadOnlyList<Message> conversation, CancellationToken cancellationToken = default)
    {
        CheckConversation(conversation);
        return new AgentRun(this, conversation, stream: false, sink: null).ExecuteAsync(cancellationToken);
    }

    /// <summary>Answers a single user message, streaming text and step events.</summary>
    /// <param name="input">The user's message.</param>
    /// <param name="cancellationToken">Cancels the run; enumeration then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The events; the last is an <see cref="AgentFinalAnswerEvent"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is <see langword="null"/>.</exception>
    public IAsyncEnumerable<AgentEvent> RunStreamingAsync(string input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return RunStreamingAsync([Message.User(input)], cancellationToken);
    }

    /// <summary>Answers <paramref name="conversation"/>, streaming text and step events: text as the model writes it,
    /// each tool call requested, each tool result, and finally the answer.</summary>
    /// <param name="conversation">The conversation so far, oldest first, without the agent's own instructions.</param>
    /// <param name="cancellationToken">Cancels the run; enumeration then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The events; the last is an <see cref="AgentFinalAnswerEvent"/>. Enumeration throws
    /// <see cref="MaxStepsExceededException"/> or the generator's exception when the run fails.</returns>
    /// <exception cref="ArgumentException"><paramref name="conversation"/> is empty or holds null.</exception>
    public IAsyncEnumerable<AgentEvent> RunStreamingAsync(IReadOnlyList<Message> conversation, CancellationToken cancellationToken = default)
    {
        CheckConversation(conversation);
        return StreamCoreAsync(conversation, cancellationToken);
    }

    internal AgentOptions Options => _options;

    internal ILogger Logger => _logger;

    internal ToolExecutor Executor => _executor;

    internal IReadOnlyList<ToolDefinition> OfferedTools => _offeredTools;

    private async IAsyncEnumerable<AgentEvent> StreamCoreAsync(
        IReadOnlyList<Message> conversation, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The run hands each event over only when the reader asks for the next one, so a reader that stops early
        // stops the run at its next event (its cancellation token fires) instead of letting it work on unread.
        var channel = Channel.CreateBounded<AgentEvent>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var demand = new SemaphoreSlim(0);
        using var runCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = Task.Run(
            async () =>
            {
                try
                {
                    await new AgentRun(this, conversation, stream: true, async (e, ct) =>
                        {
                            await demand.WaitAsync(ct).ConfigureAwait(false);
                            await channel.Writer.WriteAsync(e, ct).ConfigureAwait(false);
                        })
                        .ExecuteAsync(runCancellation.Token).ConfigureAwait(false);
                }
                finally
                {
                    channel.Writer.TryComplete();
                }
            },
            CancellationToken.None);

        try
        {
            while (true)
            {
                demand.Release();
                if (!await channel.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    break;
                }

                if (channel.Reader.TryRead(out var item))
                {
                    yield return item;
                }
            }

            // Surfaces the run's failure (or cancellation) once every event before it has been read.
            await run.ConfigureAwait(false);
        }
        finally
        {
            if (!run.IsCompleted)
            {
                await runCancellation.CancelAsync().ConfigureAwait(false);
                try
                {
                    await run.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or GeneratorException)
                {
                    // The reader left early: nobody is there to receive the run's end, however it ended.
                }
            }
        }
    }

    private static void CheckConversation(IReadOnlyList<Message> conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (conversation.Count == 0)
        {
            throw new ArgumentException("The conversation must hold at least one message.", nameof(conversation));
        }

        if (conversation.Any(m => m is null))
        {
            throw new ArgumentException("The conversation must not hold null messages.", nameof(conversation));
        }
    }
}
