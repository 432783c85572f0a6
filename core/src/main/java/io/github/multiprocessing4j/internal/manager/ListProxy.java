package io.github.multiprocessing4j.internal.manager;

import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Spliterator;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A proxy of a manager's list: Python's {@code ListProxy}, as a {@link List}. Each method is one
 * atomic call on the manager (SPEC M7), bulk ones included ({@code addAll}, {@code removeAll},
 * ...). Iteration and streams walk an unmodifiable snapshot (its iterators do not
 * {@code remove} or {@code set}); {@link #subList} is a view whose calls go to the manager one by
 * one; {@link #sort}, {@link #replaceAll} and {@link #removeIf} run in the manager, so
 * their comparator, operator or predicate must be serializable. Elements are copies: changing an
 * element taken from the list does not change the list (Python alike).
 *
 * @param <E> the elements' type
 */
public final class ListProxy<E> extends AbstractList<E> implements RandomAccess, Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String managerId;
    private final String objectId;

    /**
     * A proxy of an object of a manager.
     *
     * @param managerId the manager's shared object id
     * @param objectId the list's id in the manager
     */
    public ListProxy(String managerId, String objectId) {
        this.managerId = Objects.requireNonNull(managerId, "managerId");
        this.objectId = Objects.requireNonNull(objectId, "objectId");
    }

    private Object call(int method, Object... args) {
        return ManagerCalls.call(managerId, objectId, method, args);
    }

    @SuppressWarnings("unchecked")
    private E element(Object value) {
        return (E) value;
    }

    /**
     * A copy of the whole list, made in one atomic call: Python's {@code _getvalue()}.
     *
     * @return a new {@link ArrayList}
     */
    @SuppressWarnings("unchecked")
    public List<E> copy() {
        return (List<E>) call(Methods.SNAPSHOT);
    }

    private List<E> snapshot() {
        return Collections.unmodifiableList(copy());
    }

    @Override
    public int size() {
        return (Integer) call(Methods.SIZE);
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public E get(int index) {
        return element(call(Methods.GET, index));
    }

    @Override
    public E set(int index, E element) {
        return element(call(Methods.SET, index, element));
    }

    @Override
    public boolean add(E element) {
        return (Boolean) call(Methods.ADD, element);
    }

    @Override
    public void add(int index, E element) {
        call(Methods.ADD_AT, index, element);
    }

    @Override
    public E remove(int index) {
        return element(call(Methods.REMOVE_AT, index));
    }

    @Override
    public boolean remove(Object element) {
        return (Boolean) call(Methods.REMOVE, element);
    }

    @Override
    protected void removeRange(int fromIndex, int toIndex) {
        call(Methods.REMOVE_RANGE, fromIndex, toIndex);
    }

    @Override
    public int indexOf(Object element) {
        return (Integer) call(Methods.INDEX_OF, element);
    }

    @Override
    public int lastIndexOf(Object element) {
        return (Integer) call(Methods.LAST_INDEX_OF, element);
    }

    @Override
    public boolean contains(Object element) {
        return (Boolean) call(Methods.CONTAINS, element);
    }

    @Override
    public boolean containsAll(Collection<?> elements) {
        return (Boolean) call(Methods.CONTAINS_ALL, new ArrayList<>(elements));
    }

    @Override
    public boolean addAll(Collection<? extends E> elements) {
        return (Boolean) call(Methods.ADD_ALL, new ArrayList<>(elements));
    }

    @Override
    public boolean addAll(int index, Collection<? extends E> elements) {
        return (Boolean) call(Methods.ADD_ALL_AT, index, new ArrayList<>(elements));
    }

    @Override
    public boolean removeAll(Collection<?> elements) {
        return (Boolean) call(Methods.REMOVE_ALL, new ArrayList<>(elements));
    }

    @Override
    public boolean retainAll(Collection<?> elements) {
        return (Boolean) call(Methods.RETAIN_ALL, new ArrayList<>(elements));
    }

    @Override
    public boolean removeIf(Predicate<? super E> filter) {
        return (Boolean) call(Methods.REMOVE_IF, Objects.requireNonNull(filter, "filter"));
    }

    @Override
    public void sort(Comparator<? super E> comparator) {
        call(Methods.SORT, comparator);
    }

    @Override
    public void replaceAll(UnaryOperator<E> operator) {
        call(Methods.REPLACE_ALL, Objects.requireNonNull(operator, "operator"));
    }

    @Override
    public void clear() {
        call(Methods.CLEAR);
    }

    @Override
    public Iterator<E> iterator() {
        return snapshot().iterator();
    }

    @Override
    public ListIterator<E> listIterator() {
        return snapshot().listIterator();
    }

    @Override
    public ListIterator<E> listIterator(int index) {
        return snapshot().listIterator(index);
    }

    @Override
    public Spliterator<E> spliterator() {
        // a stream walks a snapshot too: AbstractList's would call get(i) once per element
        return snapshot().spliterator();
    }

    @Override
    public void forEach(Consumer<? super E> action) {
        snapshot().forEach(action);
    }

    @Override
    public Object[] toArray() {
        return copy().toArray();
    }

    @Override
    public <T> T[] toArray(T[] array) {
        return copy().toArray(array);
    }

    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof List && copy().equals(other);
    }

    @Override
    public int hashCode() {
        return copy().hashCode();
    }

    @Override
    public String toString() {
        return copy().toString();
    }
}
