// Note: the static storage below exists once per Swift file that calls these functions, so
// OrgWizTerminal calls them from ReadlineLineReader.swift only.
//
// The small C surface orgwiz uses from GNU readline, plus an interrupt handler that must be
// async-signal-safe (so it is written in C, not Swift). Keep this file small: a libedit build
// needs only <editline/readline.h> here instead.
#ifndef ORGWIZ_READLINE_SHIM_H
#define ORGWIZ_READLINE_SHIM_H

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

// The terminal settings saved before a prompt. A function-local static, because Swift's C
// importer emits functions from a header but not file-scope variables.
struct orgwiz_saved_terminal {
  struct termios settings;
  volatile sig_atomic_t saved;
};

static inline struct orgwiz_saved_terminal *orgwiz_saved_terminal(void) {
  static struct orgwiz_saved_terminal terminal;
  return &terminal;
}

// A file to remove when the run is interrupted (the model's lock file), or empty.
static inline char *orgwiz_interrupt_removal(void) {
  static char path[4096];
  return path;
}

// Names the file to remove on Ctrl-C; NULL clears it.
static inline void orgwiz_remove_on_interrupt(const char *path) {
  char *target = orgwiz_interrupt_removal();
  target[0] = '\0';
  if (path != NULL && strlen(path) < 4096) {
    strcpy(target, path);
  }
}

// The line Ctrl-C at a prompt prints (it may say that the next run offers to resume).
static inline char *orgwiz_interrupt_message(void) {
  static char message[2048] = "\nInterrupted. Nothing was written.\n";
  return message;
}

// Sets the line Ctrl-C prints; NULL or a text too long puts the plain one back.
static inline void orgwiz_set_interrupt_message(const char *text) {
  char *message = orgwiz_interrupt_message();
  if (text != NULL && strlen(text) < 2048) {
    strcpy(message, text);
  } else {
    strcpy(message, "\nInterrupted. Nothing was written.\n");
  }
}

// Whether Ctrl-C is held for a moment (a prompt waits for the journal of the last answer to be
// on disk), and whether one came meanwhile.
static inline volatile sig_atomic_t *orgwiz_interrupt_held(void) {
  static volatile sig_atomic_t held;
  return &held;
}

static inline volatile sig_atomic_t *orgwiz_interrupt_came(void) {
  static volatile sig_atomic_t came;
  return &came;
}

// Holds Ctrl-C: the handler below only notes one until orgwiz_release_interrupt.
static inline void orgwiz_hold_interrupt(void) {
  *orgwiz_interrupt_came() = 0;
  *orgwiz_interrupt_held() = 1;
}

// Lets Ctrl-C through again; one that came while it was held is raised now (readline, while it
// reads a line, takes it and hands it on to the handler below once it has tidied up).
static inline void orgwiz_release_interrupt(void) {
  *orgwiz_interrupt_held() = 0;
  if (*orgwiz_interrupt_came()) {
    *orgwiz_interrupt_came() = 0;
    raise(SIGINT);
  }
}

// Ctrl-C at a prompt: put the terminal back as it was, remove the lock file, say so in one
// line, and exit 130. Only async-signal-safe calls (tcsetattr, unlink, write, _exit).
static void orgwiz_interrupt_handler(int signal_number) {
  (void)signal_number;
  if (*orgwiz_interrupt_held()) {
    *orgwiz_interrupt_came() = 1;
    return;
  }
  const char *message = orgwiz_interrupt_message();
  struct orgwiz_saved_terminal *terminal = orgwiz_saved_terminal();
  if (terminal->saved) {
    tcsetattr(STDIN_FILENO, TCSANOW, &terminal->settings);
  }
  char *removal = orgwiz_interrupt_removal();
  if (removal[0] != '\0') {
    unlink(removal);
  }
  ssize_t ignored = write(STDERR_FILENO, message, strlen(message));
  (void)ignored;
  _exit(130);
}

// Saves the terminal settings and routes SIGINT to the handler above.
static inline void orgwiz_install_interrupt_handler(void) {
  struct orgwiz_saved_terminal *terminal = orgwiz_saved_terminal();
  terminal->saved = tcgetattr(STDIN_FILENO, &terminal->settings) == 0;
  struct sigaction action;
  memset(&action, 0, sizeof(action));
  action.sa_handler = orgwiz_interrupt_handler;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, NULL);
  // Some launchers start programs with SIGINT blocked; Ctrl-C must reach the handler.
  sigset_t interrupt;
  sigemptyset(&interrupt);
  sigaddset(&interrupt, SIGINT);
  sigprocmask(SIG_UNBLOCK, &interrupt, NULL);
}

// Puts SIGINT back to its default once prompting is over.
static inline void orgwiz_remove_interrupt_handler(void) {
  signal(SIGINT, SIG_DFL);
}

// Readline's globals, set through functions so Swift needs no access to C variables.
static inline void orgwiz_rl_configure(const char *name, FILE *output) {
  rl_readline_name = name;
  rl_outstream = output;
  rl_completer_word_break_characters = "";
  rl_completion_append_character = '\0';
  rl_catch_signals = 1;
  rl_catch_sigwinch = 1;
  // Bracketed paste writes escape sequences into every prompt, which clutters script logs
  // and screen readers; pasting still works without it.
  rl_variable_bind("enable-bracketed-paste", "off");
}

static inline void orgwiz_rl_set_completion(rl_completion_func_t *function) {
  rl_attempted_completion_function = function;
}

// What readline calls once the prompt is shown, before it reads the first key.
static inline void orgwiz_rl_set_pre_input_hook(rl_hook_func_t *function) {
  rl_pre_input_hook = function;
}

// Called at the start of every completion: readline resets these before each attempt.
static inline void orgwiz_rl_completion_over(void) {
  rl_attempted_completion_over = 1;
  rl_completion_append_character = '\0';
}

#endif
