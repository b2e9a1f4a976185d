using Agents.Samples.Chatbot;

// Console.Out/In are used only here, so the whole app can be driven in-process by tests.
return await ChatbotProgram.RunAsync(args, Console.In, Console.Out, Console.Error, interactiveConsole: !Console.IsInputRedirected && !Console.IsOutputRedirected);
