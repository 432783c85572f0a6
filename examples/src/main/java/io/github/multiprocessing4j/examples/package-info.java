/**
 * The seed tutorial's programs, in Java: each class is one program with a {@code main}, run
 * together by {@link io.github.multiprocessing4j.examples.Examples}.
 *
 * <p>Sources of the seed: {@code create} and {@code subclass} follow the Chinese tutorial
 * "一篇文章搞定Python多进程(全)"; {@code name}, {@code daemon} and {@code terminate} follow chapter 3
 * of "Python并行编程 中文版" (the Chinese translation of Giancarlo Zaccone's <i>Python Parallel
 * Programming Cookbook</i>); {@code pid} is the naming program again with {@code .name}
 * replaced by {@code .pid}. The printed strings are the seed's.
 *
 * <p>Beyond the seed, three programs whose processes talk: {@code pipe} is the {@code Pipe()}
 * example of Python's documentation ("Exchanging objects between processes"), {@code queue} the
 * producer/consumer pattern of {@code multiprocessing.Queue} with a sentinel, and {@code result}
 * a {@code CallableProcess} handing back its value or its exception.
 */
package io.github.multiprocessing4j.examples;
